"""`segmentation report`: the segment report from the published
file.

Reads only the published DuckDB file (read-only), so the report shows what
BI shows: a build that passed every test and the audit. Always writes one
self-contained, interactive HTML file. With --pdf (and --screenshot,
--views), also opens it in headless Chromium, checks it there and prints
it; where Chromium is missing, those are skipped with a message that says
how to get them, and the HTML is still written. Exit codes: 0 written,
1 failed, 64 bad command line.
"""

from __future__ import annotations

import argparse
import csv
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from segmentation.report.browser import BrowserMissingError, chromium_path, open_report
from segmentation.report.compose import build_content
from segmentation.report.customer_lists import DEFAULT_LIMIT, ContactColumnError
from segmentation.report.data import ReportDataError, load_report_data
from segmentation.report.i18n import LANGUAGES, Language
from segmentation.report.render import render_html
from segmentation.report.seed_texts import (
    SeedTexts,
    SeedTranslationsError,
    read_seed_translations,
)

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 64
DEFAULT_DB = "warehouse/published/segments.duckdb"
DEFAULT_OUT = "reports/segment_report.html"
DEFAULT_SEED_TRANSLATIONS = "seeds/seed_translations.csv"
DEFAULT_CLUSTER_PLAYBOOK = "seeds/cluster_playbook.csv"


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="segmentation report",
        description="Write the segment report (one self-contained, interactive "
        "HTML file, and its PDF) from the published DuckDB file.",
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
    parser.add_argument(
        "--pdf", default=None, help="also print the report to this PDF (Chromium)"
    )
    parser.add_argument(
        "--screenshot", default=None, help="also save a PNG of its first page"
    )
    parser.add_argument(
        "--views", default=None, help="also save PNGs of the main views in this folder"
    )
    parser.add_argument(
        "--currency",
        default=None,
        help="ISO 4217 code money is shown in when the published file does not "
        "record one (publish_metadata.reporting_currency wins); default: none, "
        "amounts are shown without a currency",
    )
    parser.add_argument(
        "--seed-translations",
        default=DEFAULT_SEED_TRANSLATIONS,
        help=f"translations of the seeds' texts (default {DEFAULT_SEED_TRANSLATIONS})",
    )
    parser.add_argument(
        "--cluster-playbook",
        default=DEFAULT_CLUSTER_PLAYBOOK,
        help="personas, strategies and KPIs per cluster name, for sub-clusters "
        f"the published tables have none for (default {DEFAULT_CLUSTER_PLAYBOOK})",
    )
    parser.add_argument(
        "--list-limit",
        type=int,
        default=DEFAULT_LIMIT,
        help="customers per downloadable list, the highest revenue first "
        f"({DEFAULT_LIMIT:,}; each 10,000 adds about 0.7 MB to the file)",
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


def _seed_texts(path: Path, lang: str, say) -> SeedTexts:
    if not path.is_file():
        if lang != "en":
            say(
                f"no seed translations at {path}: segment names, descriptions "
                "and playbook texts stay as published (--seed-translations)"
            )
        return SeedTexts()
    return read_seed_translations(path)


def _rows(path: Path) -> list[dict[str, str]]:
    if not path.is_file():
        return []
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def write_report(
    db: Path,
    out: Path,
    *,
    lang: str = "en",
    pdf: Path | None = None,
    screenshot: Path | None = None,
    views: Path | None = None,
    currency: str | None = None,
    seed_translations: Path = Path(DEFAULT_SEED_TRANSLATIONS),
    cluster_playbook: Path = Path(DEFAULT_CLUSTER_PLAYBOOK),
    list_limit: int = DEFAULT_LIMIT,
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
        texts = _seed_texts(Path(seed_translations), lang, say)
    except (ReportDataError, SeedTranslationsError) as error:
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
    money = data.currency or (currency.strip().upper() if currency else None)
    language = Language(lang, currency=money, seeds=texts)
    say(
        f"{len(data.tables)} tables; money in "
        f"{money or 'no currency (none recorded, no --currency)'}; "
        f"drawing the charts ({lang})"
    )
    try:
        content = build_content(
            data,
            language,
            seed=seed,
            list_limit=list_limit,
            cluster_playbook=_rows(Path(cluster_playbook)),
        )
    except ContactColumnError as error:
        print(f"Report failed: {error}", file=sys.stderr)
        return EXIT_FAILED
    html = render_html(content, list_limit=list_limit)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(html, encoding="utf-8")
    size = out.stat().st_size
    say(f"{len(content.charts)} charts, {size / 1e6:.1f} MB: wrote {out}")
    if texts.untranslated:
        missing = sorted({text for _, _, text, _ in texts.untranslated})
        say(
            f"{len(missing)} seed text(s) have no {lang} translation in "
            f"{seed_translations} and are shown as published, e.g. {missing[0]!r}"
        )
    if pdf is None and screenshot is None and views is None:
        return EXIT_OK
    return _browser(out, pdf, screenshot, views, say)


def _browser(out: Path, pdf, screenshot, views, say) -> int:
    try:
        executable = chromium_path()
    except BrowserMissingError as error:
        wanted = ", ".join(str(p) for p in (pdf, screenshot, views) if p is not None)
        say(f"SKIPPED {wanted}: {error}. The HTML report is complete without it.")
        return EXIT_OK
    say(f"opening it in headless Chromium ({executable})")
    for path in (pdf, screenshot):
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
    check = open_report(
        out, screenshot=screenshot, pdf=pdf, views=views, executable=executable
    )
    say(
        f"loaded in {check.load_ms:.0f} ms, first page drawn at "
        f"{check.ready_ms:.0f} ms ({len(check.drawn_charts)} charts)"
    )
    for path in check.screenshots:
        say(f"wrote {path}")
    if pdf is not None:
        say(f"wrote {pdf} ({check.pdf_bytes / 1e6:.1f} MB)")
    if check.problems:
        print("Report failed: the browser reported errors:", file=sys.stderr)
        for problem in check.problems:
            print(f"  - {problem}", file=sys.stderr)
        return EXIT_FAILED
    return EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.list_limit < 1:
        build_parser().error("--list-limit must be at least 1")
    return write_report(
        Path(args.db),
        Path(args.out),
        lang=args.lang,
        pdf=None if args.pdf is None else Path(args.pdf),
        screenshot=None if args.screenshot is None else Path(args.screenshot),
        views=None if args.views is None else Path(args.views),
        currency=args.currency,
        seed_translations=Path(args.seed_translations),
        cluster_playbook=Path(args.cluster_playbook),
        list_limit=args.list_limit,
        seed=args.seed,
        allow_unpublished=args.allow_unpublished,
    )
