"""`python -m segmentation.report`: the segment report from the published
file.

Reads only the published DuckDB file (read-only), so the report shows what
BI shows: a build that passed every test and the audit. Writes one
self-contained HTML file; with --pdf, also prints it to PDF with headless
Chromium. Exit codes: 0 written, 1 failed, 64 bad command line.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from segmentation.report.browser import BrowserMissingError, open_report
from segmentation.report.content import build_content
from segmentation.report.data import ReportDataError, load_report_data
from segmentation.report.i18n import LANGUAGES, Language
from segmentation.report.render import render_html

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 64
DEFAULT_DB = "warehouse/published/segments.duckdb"
DEFAULT_OUT = "reports/segment_report.html"


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="python -m segmentation.report",
        description="Write the segment report (one self-contained HTML file) "
        "from the published DuckDB file.",
        allow_abbrev=False,
    )
    parser.add_argument(
        "--db", default=DEFAULT_DB, help=f"published file (default {DEFAULT_DB})"
    )
    parser.add_argument(
        "--out", default=DEFAULT_OUT, help=f"HTML file to write (default {DEFAULT_OUT})"
    )
    parser.add_argument(
        "--lang", choices=sorted(LANGUAGES), default="en", help="language (en)"
    )
    parser.add_argument("--pdf", default=None, help="also print the report to this PDF")
    parser.add_argument(
        "--screenshot", default=None, help="also save a full-page PNG screenshot"
    )
    parser.add_argument(
        "--seed",
        type=int,
        default=42,
        help="seed of the sample drawn in the cluster projection chart (42)",
    )
    parser.add_argument(
        "--allow-unpublished",
        action="store_true",
        help="accept a file without publish_metadata (a build database, e.g. "
        "`make personality`'s); by default only published files are read",
    )
    return parser


def write_report(
    db: Path,
    out: Path,
    *,
    lang: str = "en",
    pdf: Path | None = None,
    screenshot: Path | None = None,
    seed: int = 42,
    allow_unpublished: bool = False,
    log: TextIO | None = None,
) -> int:
    """Write the report; print progress to `log`; return the exit code."""
    log = log or sys.stdout
    started = time.monotonic()

    def say(text: str) -> None:
        print(
            f"[report {time.monotonic() - started:5.1f}s] {text}", file=log, flush=True
        )

    say(f"reading {db} (read-only)")
    try:
        data = load_report_data(db)
    except ReportDataError as error:
        print(f"Report failed: {error}", file=sys.stderr)
        return EXIT_FAILED
    if data.metadata is None and not allow_unpublished:
        print(
            f"Report failed: {db} has no publish_metadata table, so it is not a "
            "published file. The report reads only what was published "
            "(`make publish`); --allow-unpublished reads a build database anyway.",
            file=sys.stderr,
        )
        return EXIT_FAILED
    say(f"{len(data.tables)} tables; drawing the charts ({lang})")
    content = build_content(data, Language(lang), seed=seed)
    html = render_html(content)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(html, encoding="utf-8")
    say(f"{len(content.charts)} charts, {len(html) / 1e6:.1f} MB: wrote {out}")
    if pdf is None and screenshot is None:
        return EXIT_OK
    say("opening it in headless Chromium")
    for path in (pdf, screenshot):
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
    try:
        check = open_report(out, screenshot=screenshot, pdf=pdf)
    except BrowserMissingError as error:
        print(f"Report failed: {error}", file=sys.stderr)
        return EXIT_FAILED
    if screenshot is not None:
        say(f"wrote {screenshot}")
    if pdf is not None:
        say(f"wrote {pdf}")
    problems = check.console_errors + check.page_errors + check.failed_requests
    if problems:
        print("Report failed: the browser reported errors:", file=sys.stderr)
        for problem in problems:
            print(f"  - {problem}", file=sys.stderr)
        return EXIT_FAILED
    return EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return write_report(
        Path(args.db),
        Path(args.out),
        lang=args.lang,
        pdf=None if args.pdf is None else Path(args.pdf),
        screenshot=None if args.screenshot is None else Path(args.screenshot),
        seed=args.seed,
        allow_unpublished=args.allow_unpublished,
    )
