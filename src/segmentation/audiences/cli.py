"""`segmentation audiences`: write the audience export files.

Run after `segmentation publish` (as `make run` does): it reads
the published file, so only a build that passed every test and the audit
is ever exported. Exit codes: 0 exported (or this build was exported
already), 1 the export failed (the previous export stays in charge), 64 bad
command line.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

import yaml

from segmentation.audiences.export import ExportError, ExportResult, export_audiences

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 64
PUBLISHED_NAME = "segments.duckdb"
DEFAULT_EXPORT_DIR = "exports"


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n")


def export_dir_var(project_dir: Path) -> str:
    """var audience_export_dir of the project's dbt_project.yml, else
    'exports'."""
    try:
        project = yaml.safe_load((project_dir / "dbt_project.yml").read_text())
    except (OSError, yaml.YAMLError):
        return DEFAULT_EXPORT_DIR
    value = ((project or {}).get("vars") or {}).get("audience_export_dir")
    return str(value) if value else DEFAULT_EXPORT_DIR


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="segmentation audiences",
        description=(
            "Write each audience of the published build (audience_members) as "
            "CSV and Parquet files, with the adds and removes since the "
            "previous export. Exit codes: 0 done, 1 failed, 64 bad command line."
        ),
        allow_abbrev=False,
    )
    parser.add_argument("--project-dir", default=".", help="dbt project (default: .)")
    parser.add_argument(
        "--db",
        default=None,
        help="the published file (default: $SEGMENTATION_PUBLISH_DIR/"
        "segments.duckdb, else warehouse/published/segments.duckdb)",
    )
    parser.add_argument(
        "--exports-dir",
        default=None,
        help="folder of the export files, relative to the project (default: env "
        "SEGMENTATION_EXPORTS_DIR, else var audience_export_dir of "
        "dbt_project.yml, else exports)",
    )
    parser.add_argument(
        "--force",
        action="store_true",
        help="export even when this build was exported already (its adds and "
        "removes are then empty)",
    )
    parser.add_argument(
        "--lock-timeout",
        type=float,
        default=60.0,
        help="seconds to wait for another export to finish (60)",
    )
    return parser


def main(
    argv: Sequence[str] | None = None,
    out: TextIO | None = None,
    err: TextIO | None = None,
) -> int:
    out, err = out or sys.stdout, err or sys.stderr
    args = build_parser().parse_args(argv)
    project = Path(args.project_dir)
    db = (
        Path(args.db)
        if args.db
        else Path(os.environ.get("SEGMENTATION_PUBLISH_DIR") or "warehouse/published")
        / PUBLISHED_NAME
    )
    exports = Path(
        args.exports_dir
        or os.environ.get("SEGMENTATION_EXPORTS_DIR")
        or export_dir_var(project)
    )
    db = db if db.is_absolute() else project / db
    exports = exports if exports.is_absolute() else project / exports
    try:
        result = export_audiences(
            db, exports, force=args.force, lock_timeout=args.lock_timeout
        )
    except ExportError as error:
        print(f"Audience export failed: {error}", file=err)
        return EXIT_FAILED
    print_result(result, out)
    return EXIT_OK


def print_result(result: ExportResult, out: TextIO) -> None:
    """What was written, one line per audience."""
    if not result.exported:
        print(
            f"Audiences of build {result.build_id} were exported already to "
            f"{result.exports_dir}; nothing written (--force to write again).",
            file=out,
        )
        return
    since = (
        f"since build {result.previous_build_id}"
        if result.previous_build_id
        else "first export: every member is an add"
    )
    print(
        f"Audiences of build {result.build_id} exported to {result.exports_dir} "
        f"({since}):",
        file=out,
    )
    width = max((len(a.audience_name) for a in result.audiences), default=10)
    print(f"  {'audience':<{width}}  members     adds  removes", file=out)
    for item in result.audiences:
        note = "  (retired: no longer in this build)" if item.is_retired else ""
        print(
            f"  {item.audience_name:<{width}}  {item.members:>7,}  {item.adds:>7,}"
            f"  {item.removes:>7,}{note}",
            file=out,
        )
    for warning in result.warnings:
        print(f"  warning: {warning}", file=out)
