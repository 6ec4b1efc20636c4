"""Translations of the texts people read that come from the project's seeds:
segment names and descriptions, recommended actions, playbook messages and
offers, cluster names.

They live in the seed `seed_translations` (seeds/seed_translations.csv):
one row per seed, column and English text, one column per language. The
English text is the key, because the published tables carry the texts
themselves (segment_summary.description, segment_budget.offer, ...), not
the seed rows they came from: the report translates what it reads. An
edited English text in a seed has no translation until its row is updated,
and tests/python/report/test_seed_translations.py says which.

`TRANSLATED_COLUMNS` names the seed columns whose texts people read;
`UNTRANSLATED_COLUMNS` the ones that hold codes or repeat a key. A seed
column with prose in it that is in neither fails that test, so a new seed
cannot slip into the report untranslated.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

SEED_TRANSLATIONS = "seed_translations"
KEY_COLUMNS = ("seed_name", "column_name")
SOURCE_LANGUAGE = "en"

# seed -> columns whose every text is translated.
TRANSLATED_COLUMNS: dict[str, tuple[str, ...]] = {
    "segment_definitions": ("segment_name", "description", "recommended_action"),
    "segment_playbook": ("message", "offer", "channels", "cadence"),
    "cluster_naming_rules": ("name", "description"),
    "cluster_playbook": ("persona", "strategy", "kpis"),
    "value_tiers": ("tier_name", "description"),
}
# seed -> columns that hold codes, keys or names translated elsewhere
# (segment_playbook.segment_name repeats a segment or cluster name).
UNTRANSLATED_COLUMNS: dict[str, tuple[str, ...]] = {
    "segment_playbook": ("segment_type", "naming_rule_set", "segment_name"),
    "cluster_naming_rules": ("rule_set",),
    "cluster_playbook": ("rule_set", "cluster_name"),
    "segment_rules": ("segment_name",),
}
# Where each published text column comes from: (seed, column) of the
# translation. Names of clusters come from the naming rules.
RFM_SEGMENT = ("segment_definitions", "segment_name")
RFM_DESCRIPTION = ("segment_definitions", "description")
RFM_ACTION = ("segment_definitions", "recommended_action")
CLUSTER_NAME = ("cluster_naming_rules", "name")
VALUE_TIER = ("value_tiers", "tier_name")
CLUSTER_DESCRIPTION = ("cluster_naming_rules", "description")
PERSONA = {c: ("cluster_playbook", c) for c in ("persona", "strategy", "kpis")}
PLAYBOOK = {
    column: ("segment_playbook", column)
    for column in ("message", "offer", "channels", "cadence")
}


class SeedTranslationsError(ValueError):
    """seed_translations.csv is malformed."""


@dataclass
class SeedTexts:
    """{(seed, column, English text): {language: text}}, and the texts the
    report asked for that had none (to say so once at the end)."""

    table: dict[tuple[str, str, str], dict[str, str]] = field(default_factory=dict)
    source: Path | None = None
    untranslated: set[tuple[str, str, str, str]] = field(default_factory=set)

    def translate(self, seed: str, column: str, text: str, language: str) -> str:
        if language == SOURCE_LANGUAGE or not text:
            return text
        translated = self.table.get((seed, column, text), {}).get(language)
        if translated:
            return translated
        self.untranslated.add((seed, column, text, language))
        return text

    @property
    def languages(self) -> tuple[str, ...]:
        found: set[str] = set()
        for row in self.table.values():
            found.update(row)
        return tuple(sorted(found))


def read_seed_translations(path: Path | str) -> SeedTexts:
    """The seed file at `path`; SeedTranslationsError names the line of a
    repeated key or a missing column."""
    path = Path(path)
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        header = reader.fieldnames or []
        for needed in (*KEY_COLUMNS, SOURCE_LANGUAGE):
            if needed not in header:
                raise SeedTranslationsError(f"{path}: no column {needed!r}")
        languages = [c for c in header if c not in KEY_COLUMNS]
        table: dict[tuple[str, str, str], dict[str, str]] = {}
        for line, row in enumerate(reader, start=2):
            key = (row["seed_name"], row["column_name"], row[SOURCE_LANGUAGE])
            if key in table:
                raise SeedTranslationsError(f"{path}, line {line}: {key} appears twice")
            table[key] = {code: (row[code] or "") for code in languages}
    return SeedTexts(table=table, source=path)


def distinct_texts(rows: Iterable[dict[str, str]], column: str) -> list[str]:
    """Non-empty texts of `column`, each once, in first-seen order."""
    seen: dict[str, None] = {}
    for row in rows:
        value = (row.get(column) or "").strip()
        if value:
            seen.setdefault(value)
    return list(seen)


def _looks_like_prose(value: str) -> bool:
    """Words people read: letters and a space (codes and numbers have
    no space: rfm_segment, 0.5, GBP)."""
    return " " in value.strip() and any(c.isalpha() for c in value)


def coverage_problems(
    seeds_dir: Path, translations: Path, languages: Iterable[str]
) -> list[str]:
    """What keeps the seeds' texts from being complete in every language,
    one sentence each (empty when nothing): a text without a row, a row
    with an empty language, a row whose English text no seed has any more,
    a seed column with prose that is declared neither translated nor not.
    Rows no seed uses any more are left alone: they may be ready for a seed
    on its way, and cost nothing."""
    texts = read_seed_translations(translations)
    problems: list[str] = []
    header = next(csv.reader(translations.open(encoding="utf-8")))
    for code in languages:
        if code not in header:
            problems.append(f"{translations.name} has no column {code!r}")
    for path in sorted(seeds_dir.glob("*.csv")):
        seed = path.stem
        if seed == SEED_TRANSLATIONS:
            continue
        with path.open(encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle))
        columns = rows[0].keys() if rows else []
        translated = TRANSLATED_COLUMNS.get(seed, ())
        declared = set(translated) | set(UNTRANSLATED_COLUMNS.get(seed, ()))
        for column in columns:
            values = distinct_texts(rows, column)
            if column in translated:
                for text in values:
                    row = texts.table.get((seed, column, text))
                    if row is None:
                        problems.append(
                            f"{seed}.{column}: {text!r} has no row in "
                            f"{translations.name}"
                        )
                        continue
                    for code in languages:
                        if code != SOURCE_LANGUAGE and not row.get(code, "").strip():
                            problems.append(
                                f"{seed}.{column}: {text!r} has no {code} text"
                            )
            elif column not in declared and any(map(_looks_like_prose, values)):
                problems.append(
                    f"{seed}.{column} holds text people may read and is declared "
                    "neither in TRANSLATED_COLUMNS nor in UNTRANSLATED_COLUMNS of "
                    "segmentation/report/seed_texts.py"
                )
    return problems
