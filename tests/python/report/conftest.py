"""One published file of the demo data per session (the real write-audit-
publish path, audit skipped: the report needs the published tables, and the
audit has tests of its own), and the reports generated from it once, in
English with the browser and in French.

SEGMENTATION_REPORT_TEST_DB, when set, names a published file of the demo
data with the default vars to use instead of building one (e.g.
warehouse/test-published/segments.duckdb after `make dbt-test`): the build
costs most of these tests' time."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from segmentation.report.browser import PageCheck, open_report
from segmentation.report.cli import write_report

PROJECT_DIR = Path(__file__).resolve().parents[3]


@dataclass(frozen=True)
class PublishedDemo:
    path: Path


@dataclass(frozen=True)
class Report:
    html: Path
    text: str


@pytest.fixture(scope="session")
def published_demo(tmp_path_factory: pytest.TempPathFactory) -> PublishedDemo:
    reuse = os.environ.get("SEGMENTATION_REPORT_TEST_DB")
    if reuse:
        return PublishedDemo(Path(reuse))
    tmp = tmp_path_factory.mktemp("report_published")
    builds, publish = tmp / "builds", tmp / "published"
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "segmentation.publish",
            "--project-dir",
            str(PROJECT_DIR),
            "--builds-dir",
            str(builds),
            "--publish-dir",
            str(publish),
            "--skip-audit",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    return PublishedDemo(publish / "segments.duckdb")


def _write(published: PublishedDemo, out: Path, lang: str) -> Report:
    code = write_report(published.path, out, lang=lang)
    assert code == 0
    return Report(out, out.read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def report_en(published_demo: PublishedDemo, tmp_path_factory) -> Report:
    return _write(published_demo, tmp_path_factory.mktemp("report_en") / "r.html", "en")


@pytest.fixture(scope="session")
def report_fr(published_demo: PublishedDemo, tmp_path_factory) -> Report:
    return _write(published_demo, tmp_path_factory.mktemp("report_fr") / "r.html", "fr")


@dataclass(frozen=True)
class BrowserRun:
    check: PageCheck
    screenshot: Path
    pdf: Path


@pytest.fixture(scope="session")
def browser_run(report_en: Report) -> BrowserRun:
    """The English report opened in headless Chromium; the screenshot and
    PDF are saved next to it."""
    screenshot = report_en.html.with_suffix(".png")
    pdf = report_en.html.with_suffix(".pdf")
    check = open_report(report_en.html, screenshot=screenshot, pdf=pdf)
    return BrowserRun(check, screenshot, pdf)
