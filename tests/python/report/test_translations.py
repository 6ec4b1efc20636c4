"""The report's own words: every key in every language, with the same
placeholders; and each language's formats of numbers, money and dates."""

from __future__ import annotations

import datetime as dt
import string

from segmentation.report.i18n import LANGUAGES, Language, translation_table


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_key_has_every_language_with_the_same_placeholders():
    table = translation_table()
    assert len(table) > 250
    assert set(LANGUAGES) >= {"en", "fr"}
    for key, row in table.items():
        for code in LANGUAGES:
            assert row.get(code, "").strip(), (key, code)
            assert placeholders(row[code]) == placeholders(row["en"]), (key, code)


def test_formats_per_language():
    en, fr = Language("en"), Language("fr")
    assert en.number(1234567.891, 2) == "1,234,567.89"
    assert fr.number(1234567.891, 2) == "1\u202f234\u202f567,89"
    assert en.percent(0.6874) == "68.7%"
    assert fr.percent(0.6874) == "68,7\u00a0%"
    assert en.date(dt.date(2011, 12, 10)) == "10 December 2011"
    assert fr.date(dt.date(2011, 12, 10)) == "10 décembre 2011"


def test_money_in_the_reporting_currency():
    gbp_en, gbp_fr = Language("en", currency="GBP"), Language("fr", currency="GBP")
    assert gbp_en.money(16350470.6) == "£16,350,471"
    assert gbp_en.money(519.054, 2) == "£519.05"
    assert gbp_fr.money(519.054, 2) == "519,05\u00a0£GB"
    assert Language("en", currency="EUR").money(-12.5, 2) == "-€12.50"
    assert gbp_en.money_compact(14_500) == "£14.5K"
    assert gbp_en.money_compact(838.06) == "£838"
    assert gbp_en.money_label("table.revenue") == "net revenue (£)"


def test_money_without_a_currency_is_a_plain_number():
    plain = Language("en")
    assert plain.money(16350470.6) == "16,350,471"
    assert plain.money_compact(838.06) == "838"
    assert plain.money_label("table.revenue") == "net revenue"
