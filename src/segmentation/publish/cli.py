"""`segmentation publish`: build, audit and publish from the shell.

Options default to environment variables, so a Makefile or a scheduler sets
them once. Arguments after `--`, and options this command does not know
(e.g. `--vars`, `--select`), are passed on to `dbt build`.

Exit codes: 0 published, 1 dbt build failed, 2 audit failed, 3 publish
failed, 64 bad command line.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from segmentation.publish.pipeline import run_pipeline

EXIT_USAGE = 64  # sysexits EX_USAGE; argparse's own 2 would read as "audit failed"

ENV_DEFAULTS = {
    "publish_dir": ("SEGMENTATION_PUBLISH_DIR", "warehouse/published"),
    "builds_dir": ("SEGMENTATION_BUILDS_DIR", "warehouse/builds"),
    "storage_version": ("SEGMENTATION_STORAGE_VERSION", "v1.4.0"),
    "dir_mode": ("SEGMENTATION_PUBLISH_DIR_MODE", "0750"),
    "file_mode": ("SEGMENTATION_PUBLISH_FILE_MODE", "0640"),
}


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n")


def _env(name: str) -> str:
    var, default = ENV_DEFAULTS[name]
    return os.environ.get(var) or default


def octal_mode(text: str) -> int:
    """'0750', '750' or '0o750' -> 0o750."""
    try:
        mode = int(text.removeprefix("0o"), 8)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not an octal mode") from None
    if not 0 <= mode <= 0o7777:
        raise argparse.ArgumentTypeError(f"{text!r} is not a file mode")
    return mode


def storage_version(text: str) -> str | None:
    """'none' (or empty) means this DuckDB's own, newest storage version."""
    return None if text.strip().lower() in {"", "none"} else text.strip()


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="segmentation publish",
        description=(
            "Build the dbt project into a fresh candidate DuckDB file, audit it, "
            "and only then replace the published file BI tools read. Exit codes: "
            "0 published, 1 dbt build failed, 2 audit failed, 3 publish failed, "
            "64 bad command line."
        ),
        epilog="Other options, and everything after --, go to `dbt build`.",
        allow_abbrev=False,
    )
    parser.add_argument("--project-dir", default=".", help="dbt project (default: .)")
    parser.add_argument(
        "--publish-dir",
        default=_env("publish_dir"),
        help="folder of segments.duckdb, relative to the project "
        "(env SEGMENTATION_PUBLISH_DIR, default warehouse/published)",
    )
    parser.add_argument(
        "--builds-dir",
        default=_env("builds_dir"),
        help="folder of candidate builds, relative to the project "
        "(env SEGMENTATION_BUILDS_DIR, default warehouse/builds)",
    )
    parser.add_argument(
        "--storage-version",
        type=storage_version,
        default=_env("storage_version"),
        help="DuckDB storage version of the published file; 'none' for the "
        "current one (env SEGMENTATION_STORAGE_VERSION, default v1.4.0)",
    )
    parser.add_argument(
        "--dir-mode",
        type=octal_mode,
        default=_env("dir_mode"),
        help="mode of a publish folder this creates "
        "(env SEGMENTATION_PUBLISH_DIR_MODE, default 0750)",
    )
    parser.add_argument(
        "--file-mode",
        type=octal_mode,
        default=_env("file_mode"),
        help="mode of the published file "
        "(env SEGMENTATION_PUBLISH_FILE_MODE, default 0640)",
    )
    parser.add_argument(
        "--keep-builds", type=int, default=3, help="published builds kept (3)"
    )
    parser.add_argument(
        "--keep-failed", type=int, default=5, help="rejected builds kept (5)"
    )
    parser.add_argument(
        "--lock-timeout",
        type=float,
        default=120.0,
        help="seconds to wait for another publish to finish (120)",
    )
    parser.add_argument(
        "--skip-audit",
        action="store_true",
        help="publish after dbt's tests alone, without segmentation.audit",
    )
    parser.add_argument(
        "--audit-docs-dir",
        default=None,
        help="where the audit writes its report (default: "
        "<builds-dir>/<build id>/audit, removed with the build)",
    )
    parser.add_argument(
        "--refresh",
        action="store_true",
        help="start from the last published build and add only the input files "
        "it has not read; a full build when the project or arguments changed",
    )
    parser.add_argument("--dbt", default=None, help="dbt executable (default: venv's)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args_in = list(sys.argv[1:] if argv is None else argv)
    after_dashes: list[str] = []
    if "--" in args_in:
        cut = args_in.index("--")
        args_in, after_dashes = args_in[:cut], args_in[cut + 1 :]
    parser = build_parser()
    args, unknown = parser.parse_known_args(args_in)
    result = run_pipeline(
        project_dir=args.project_dir,
        publish_dir=args.publish_dir,
        builds_dir=args.builds_dir,
        dbt_args=[*unknown, *after_dashes],
        skip_audit=args.skip_audit,
        audit_docs_dir=args.audit_docs_dir,
        storage_version=args.storage_version,
        dir_mode=args.dir_mode,
        file_mode=args.file_mode,
        keep_published=args.keep_builds,
        keep_failed=args.keep_failed,
        lock_timeout=args.lock_timeout,
        dbt_executable=args.dbt,
        refresh=args.refresh,
    )
    return result.exit_code
