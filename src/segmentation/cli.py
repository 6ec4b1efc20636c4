"""`segmentation <command>`: one entry point for every step a user runs.

Each command keeps its own options (`segmentation publish --help`); this
module only finds the command and hands it the rest of the line. Commands are
imported when called, so `segmentation --help` answers at once and a command
does not pay for the others' imports (dbt, Great Expectations, Plotly).
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

# name: (module with a `main(argv) -> int`, what it does)
COMMANDS = {
    "publish": (
        "segmentation.publish.cli",
        "build a candidate with dbt, audit it, publish it for BI (exit 0 = published)",
    ),
    "report": (
        "segmentation.report.cli",
        "write the segment report (HTML, and PDF where Chromium exists)",
    ),
    "audiences": (
        "segmentation.audiences.cli",
        "write ad-platform audience files (hashes only) from the published build",
    ),
    "summary": (
        "segmentation.summary",
        "print the segments and where the data, report and docs are",
    ),
    "audit": (
        "segmentation.audit.cli",
        "audit a build database with Great Expectations",
    ),
    "docs": (
        "segmentation.docs_site",
        "write the dbt docs site of the published build",
    ),
    "data": (
        "segmentation_dev.datagen",
        "write synthetic order lines of any size (a development tool)",
    ),
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="segmentation",
        description="Customer segmentation on dbt + DuckDB.",
        epilog="`segmentation <command> --help` shows a command's options.",
    )
    commands = parser.add_subparsers(dest="command", metavar="<command>")
    for name, (_, help_text) in COMMANDS.items():
        commands.add_parser(name, help=help_text, add_help=False)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    if not args or args[0] not in COMMANDS:
        parser.parse_args(args[:1] or ["--help"])
        return 64
    module_name, _ = COMMANDS[args[0]]
    command = importlib.import_module(module_name)
    return command.main(args[1:])
