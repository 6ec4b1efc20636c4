"""One published file of the demo data per test run (the real write-audit-
publish path, audit skipped: the report needs the published tables, and the
audit has tests of its own; dbt_project_runner.demo_published, whose build
other tests read too), and the reports generated from it once, in English
and in French.

SEGMENTATION_REPORT_TEST_DB, when set, names a published file of the demo
data with the default vars to use instead of building one (e.g.
warehouse/test-published/segments.duckdb after `make dbt-test`): the build
costs most of these tests' time."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from built_once import built_once
from dbt_project_runner import demo_published
from report_pages import PublishedDemo, Report, make_report


@pytest.fixture(scope="session")
def published_demo(tmp_path_factory: pytest.TempPathFactory) -> PublishedDemo:
    reuse = os.environ.get("SEGMENTATION_REPORT_TEST_DB")
    if reuse:
        return PublishedDemo(Path(reuse))
    published = demo_published(tmp_path_factory) / "published"
    return PublishedDemo(published / "segments.duckdb")


def _report(published: PublishedDemo, tmp_path_factory, language: str) -> Report:
    return built_once(
        tmp_path_factory,
        f"report_{language}",
        lambda folder: make_report(published.path, folder / "r.html", language),
    )


@pytest.fixture(scope="session")
def report_en(published_demo: PublishedDemo, tmp_path_factory) -> Report:
    return _report(published_demo, tmp_path_factory, "en")


@pytest.fixture(scope="session")
def report_fr(published_demo: PublishedDemo, tmp_path_factory) -> Report:
    return _report(published_demo, tmp_path_factory, "fr")
