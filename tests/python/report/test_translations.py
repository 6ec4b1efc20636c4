"""The translation table: every key in every language, with the same
placeholders, and no two keys with the same English text."""

from __future__ import annotations

import string

from segmentation.report.i18n import LANGUAGES, Language, translation_table


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_key_has_every_language_with_the_same_placeholders():
    table = translation_table()
    assert len(table) > 100
    for key, row in table.items():
        for code in LANGUAGES:
            assert row.get(code, "").strip(), (key, code)
        assert placeholders(row["en"]) == placeholders(row["fr"]), key


def test_formats_per_language():
    en, fr = Language("en"), Language("fr")
    assert en.number(1234567.891, 2) == "1,234,567.89"
    assert fr.number(1234567.891, 2) == "1\u202f234\u202f567,89"
    assert en.percent(0.6874) == "68.7%"
    assert fr.percent(0.6874) == "68,7\u00a0%"
