"""Texts that reach the report from the seeds (segment names and
descriptions, actions, playbook messages and offers, cluster names) have a
translation in every language of the report, and the check that says so
fails on a seed edited without its translation."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest

from segmentation.report.i18n import LANGUAGES
from segmentation.report.seed_texts import (
    SeedTranslationsError,
    coverage_problems,
    read_seed_translations,
)

PROJECT_DIR = Path(__file__).resolve().parents[3]
SEEDS = PROJECT_DIR / "seeds"
TRANSLATIONS = SEEDS / "seed_translations.csv"


def test_every_seed_text_has_every_language():
    assert coverage_problems(SEEDS, TRANSLATIONS, LANGUAGES) == []


def test_the_seed_holds_the_report_languages():
    header = next(csv.reader(TRANSLATIONS.open(encoding="utf-8")))
    assert header == ["seed_name", "column_name", *LANGUAGES]


@pytest.fixture
def seeds_copy(tmp_path: Path) -> Path:
    folder = tmp_path / "seeds"
    shutil.copytree(SEEDS, folder, ignore=shutil.ignore_patterns("*.yml"))
    return folder


def _edit(path: Path, change) -> None:
    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    fields = list(rows[0])
    change(rows, fields)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def _problems(seeds: Path, languages=LANGUAGES) -> list[str]:
    """The coverage check of a seeds folder against its own translations."""
    return coverage_problems(seeds, seeds / "seed_translations.csv", languages)


def test_an_edited_seed_text_without_translation_is_named(seeds_copy):
    def reword(rows, _):
        rows[0]["offer"] = "Double loyalty points this month"

    _edit(seeds_copy / "segment_playbook.csv", reword)
    problems = _problems(seeds_copy)
    assert any(
        "segment_playbook.offer: 'Double loyalty points this month' has no row" in p
        for p in problems
    ), problems


def test_an_empty_language_is_named(seeds_copy):
    def blank(rows, _):
        rows[3]["fr"] = ""

    _edit(seeds_copy / "seed_translations.csv", blank)
    problems = _problems(seeds_copy)
    assert any("has no fr text" in p for p in problems), problems


def test_a_new_seed_with_prose_must_be_declared(seeds_copy):
    (seeds_copy / "cluster_personas.csv").write_text(
        "cluster_name,persona\nBudget Shoppers,Families watching every penny\n",
        encoding="utf-8",
    )
    problems = _problems(seeds_copy)
    assert any(
        "cluster_personas.persona holds text people may read" in p for p in problems
    )
    assert any("cluster_personas.cluster_name" in p for p in problems)


def test_a_third_language_is_one_column(seeds_copy):
    def add_german(rows, fields):
        fields.append("de")
        for row in rows:
            row["de"] = ""

    _edit(seeds_copy / "seed_translations.csv", add_german)
    problems = _problems(seeds_copy, [*LANGUAGES, "de"])
    assert problems and all("has no de text" in p for p in problems)


def test_a_repeated_key_is_refused(seeds_copy):
    def repeat(rows, _):
        rows.append(dict(rows[0]))

    _edit(seeds_copy / "seed_translations.csv", repeat)
    with pytest.raises(SeedTranslationsError, match="appears twice"):
        read_seed_translations(seeds_copy / "seed_translations.csv")
