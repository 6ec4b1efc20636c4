"""Reading a written report the way a test needs it: its visible text, the
JSON the page's script reads, its tables, and SQL on the published file."""

from __future__ import annotations

import html
import json
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import duckdb

from segmentation.report.cli import write_report

PROJECT_DIR = Path(__file__).resolve().parents[3]
SEED_TRANSLATIONS = PROJECT_DIR / "seeds" / "seed_translations.csv"


@dataclass(frozen=True)
class PublishedDemo:
    """A published file of the demo data (conftest.py); here, not in
    conftest, so that it pickles (tests/python/built_once.py)."""

    path: Path


@dataclass(frozen=True)
class Report:
    html: Path
    text: str  # the whole file
    payload: dict  # the page's JSON

    @property
    def visible(self) -> str:
        return visible_text(self.text)

    def section(self, page_id: str) -> str:
        """The visible text of one page of the report."""
        match = re.search(
            rf'<section class="page" id="{page_id}".*?</section>', self.text, re.S
        )
        assert match, page_id
        return visible_text(match.group(0))

    def table(self, table_id: str) -> list[list[str]]:
        """Rows (cell texts) of one table, header first."""
        match = re.search(
            rf'<table class="data" id="{table_id}">.*?</table>', self.text, re.S
        )
        assert match, table_id
        rows = re.findall(r"<tr[^>]*>(.*?)</tr>", match.group(0), re.S)
        return [
            [visible_text(c) for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", r, re.S)]
            for r in rows
        ]


def read_report(path: Path) -> Report:
    text = path.read_text(encoding="utf-8")
    match = re.search(
        r'<script id="report-data" type="application/json">(.*?)</script>', text, re.S
    )
    assert match, "the page's JSON is missing"
    return Report(path, text, json.loads(match.group(1)))


def make_report(db: Path, out: Path, lang: str = "en", **options) -> Report:
    """The report of `db` written to `out` (exit code 0 asserted)."""
    options.setdefault("seed_translations", SEED_TRANSLATIONS)
    code = write_report(db, out, lang=lang, **options)
    assert code == 0
    return read_report(out)


def visible_text(page: str) -> str:
    """The page's text with tags, style sheet and scripts removed."""
    page = re.sub(r"<style>.*?</style>", " ", page, flags=re.S)
    page = re.sub(r"<script.*?</script>", " ", page, flags=re.S)
    page = re.sub(r"<[^>]+>", " ", page)
    # ASCII whitespace only: French numbers keep their no-break spaces.
    return re.sub(r"[ \t\r\n]+", " ", html.unescape(page)).strip()


def query(db: Path, sql: str, params=None) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


def copy_published(source: Path, target: Path, dropped=(), sql=()) -> Path:
    """A copy of a published file without some tables, with statements run
    on the copy (what another configuration would publish)."""
    shutil.copyfile(source, target)
    with duckdb.connect(str(target)) as con:
        for table in dropped:
            con.execute(f"drop table if exists {table}")
        for statement in sql:
            con.execute(statement)
    return target
