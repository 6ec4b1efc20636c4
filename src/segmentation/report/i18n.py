"""The report's words and number formats, per language.

Every sentence and label of the report is a row of `translations.csv`
(key, then one column per language); the code only names keys. The
languages are that file's columns: a new column is a new language.
Numbers, money, percentages and dates are formatted with the language's
conventions (CLDR, through Babel): 5,878 and 68.7% in English, 5 878 and
68,7 % in French. Texts that come from the project's seeds (segment names,
playbook messages) are translated by `seed_texts.SeedTexts`.
"""

from __future__ import annotations

import csv
import datetime as dt
import math
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

from babel import Locale
from babel.dates import format_date
from babel.numbers import (
    format_compact_currency,
    format_compact_decimal,
    format_currency,
    format_decimal,
    format_percent,
    get_currency_symbol,
    get_decimal_symbol,
    get_group_symbol,
)

from segmentation.report.seed_texts import SeedTexts

TRANSLATIONS_FILE = "translations.csv"
# CLDR locale per language code, where the bare code is not the one wanted
# (English dates as 5 December 2026, not December 5, 2026).
LOCALE_OVERRIDES = {"en": "en_GB", "fr": "fr_FR"}


@cache
def translation_table() -> dict[str, dict[str, str]]:
    """{key: {language: text}} from the package's translations.csv."""
    text = resources.files(__package__).joinpath(TRANSLATIONS_FILE).read_text("utf-8")
    table: dict[str, dict[str, str]] = {}
    for row in csv.DictReader(text.splitlines()):
        key = row.pop("key")
        if key in table:
            raise ValueError(f"{TRANSLATIONS_FILE}: key {key!r} appears twice")
        table[key] = row
    return table


def languages() -> tuple[str, ...]:
    """Language codes: the columns of translations.csv after `key`."""
    text = resources.files(__package__).joinpath(TRANSLATIONS_FILE).read_text("utf-8")
    header = next(csv.reader(text.splitlines()))
    return tuple(header[1:])


LANGUAGES = languages()


def missing(value: object) -> bool:
    """True for no value: None, or a float NaN (how pandas holds a null)."""
    return value is None or (isinstance(value, float) and math.isnan(value))


@dataclass(frozen=True)
class Language:
    """Words and formats of one language of the report, and the currency
    money is shown in (None: amounts without a currency sign)."""

    code: str
    currency: str | None = None
    seeds: SeedTexts = field(default_factory=SeedTexts, compare=False, hash=False)

    def __post_init__(self) -> None:
        if self.code not in LANGUAGES:
            known = ", ".join(LANGUAGES)
            raise ValueError(f"unknown language {self.code!r} (known: {known})")

    @property
    def locale(self) -> str:
        return LOCALE_OVERRIDES.get(self.code, self.code)

    def t(self, key: str, **values: object) -> str:
        """The text of `key`, its {placeholders} filled with `values`."""
        try:
            text = translation_table()[key][self.code]
        except KeyError:
            message = f"{TRANSLATIONS_FILE} has no {self.code} text for {key!r}"
            raise KeyError(message) from None
        return text.format(**values) if values else text

    def t_or(self, key: str, fallback: str) -> str:
        """The text of `key` when the table has it, else `fallback` (codes
        that come from the data, e.g. a quarantine reason added later)."""
        row = translation_table().get(key)
        return row[self.code] if row and row.get(self.code) else fallback

    def seed(self, seed: str, column: str, text: object) -> str:
        """A text read from a seed (through a published table), in this
        language when seed_translations has it, else as published."""
        if missing(text):
            return ""
        return self.seeds.translate(seed, column, str(text), self.code)

    # --- numbers ------------------------------------------------------------

    def number(self, value: float | None, decimals: int = 0) -> str:
        if missing(value):
            return self.t("value.not_available")
        pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
        return format_decimal(value, format=pattern, locale=self.locale)

    def compact(self, value: float | None) -> str:
        """A large count in short form: 16.3M, 16,3 M (under 1,000: whole)."""
        if missing(value):
            return self.t("value.not_available")
        if abs(value) < 1000:
            return self.number(value)
        return format_compact_decimal(value, locale=self.locale, fraction_digits=1)

    def money(self, value: float | None, decimals: int = 0) -> str:
        """An amount in the reporting currency: £1,235 (or 1,235 when the
        currency is not known)."""
        if missing(value):
            return self.t("value.not_available")
        if self.currency is None:
            return self.number(value, decimals)
        return format_currency(
            value,
            self.currency,
            format=self._currency_pattern(decimals),
            currency_digits=False,
            locale=self.locale,
        )

    def money_compact(self, value: float | None) -> str:
        """A large amount in short form: £16.4M."""
        if missing(value):
            return self.t("value.not_available")
        if self.currency is None:
            return self.compact(value)
        if abs(value) < 1000:
            return self.money(value)
        return format_compact_currency(
            value, self.currency, locale=self.locale, fraction_digits=1
        )

    def _currency_pattern(self, decimals: int) -> str:
        pattern = Locale.parse(self.locale).currency_formats["standard"].pattern
        pattern = pattern.split(";")[0]
        digits = "." + "0" * decimals if decimals else ""
        return pattern.replace("#,##0.00", "#,##0" + digits)

    @property
    def currency_symbol(self) -> str | None:
        if self.currency is None:
            return None
        return get_currency_symbol(self.currency, locale=self.locale)

    def money_label(self, key: str, **values: object) -> str:
        """An axis or column label for amounts: its text with the currency
        symbol after it in brackets, when there is a currency."""
        label = self.t(key, **values)
        symbol = self.currency_symbol
        return label if symbol is None else f"{label} ({symbol})"

    def percent(self, share: float | None, decimals: int = 1) -> str:
        """`share` is a fraction: 0.687 -> 68.7%."""
        if missing(share):
            return self.t("value.not_available")
        # The locale's own pattern keeps its spacing (68,7 % in French).
        pattern = Locale.parse(self.locale).percent_formats[None].pattern
        if decimals:
            last_digit = pattern.rfind("0") + 1
            pattern = f"{pattern[:last_digit]}.{'0' * decimals}{pattern[last_digit:]}"
        return format_percent(share, format=pattern, locale=self.locale)

    def count_and_share(self, count: str, share: float | None) -> str:
        """A count already formatted, with its share: "1,234 (12.3%)"."""
        return self.t("fact.count_and_share", count=count, share=self.percent(share))

    def signed_percent_points(self, points: float, decimals: int = 1) -> str:
        """A change of a share, in percentage points: +1.2 pp."""
        sign = "+" if points > 0 else ("−" if points < 0 else "±")
        return self.t(
            "unit.percentage_points", value=sign + self.number(abs(points), decimals)
        )

    def signed_number(self, value: float, decimals: int = 0) -> str:
        sign = "+" if value > 0 else ("−" if value < 0 else "±")
        return sign + self.number(abs(value), decimals)

    def date(self, value: dt.date | None) -> str:
        if value is None:
            return self.t("value.not_available")
        return format_date(value, format="long", locale=self.locale)

    def short_date(self, value: dt.date) -> str:
        return format_date(value, format="medium", locale=self.locale)

    # --- for the page's script -----------------------------------------------

    def plotly_locale(self) -> dict:
        """A Plotly locale (month and day names, separators) from CLDR, so
        date axes and hover labels speak the report's language without a
        locale file from the network."""
        locale = Locale.parse(self.locale)

        def names(kind: str, width: str, keys) -> list[str]:
            return [getattr(locale, kind)["format"][width][k] for k in keys]

        return {
            "moduleType": "locale",
            "name": self.code,
            "dictionary": {},
            "format": {
                "days": names("days", "wide", [6, 0, 1, 2, 3, 4, 5]),
                "shortDays": names("days", "abbreviated", [6, 0, 1, 2, 3, 4, 5]),
                "months": names("months", "wide", range(1, 13)),
                "shortMonths": names("months", "abbreviated", range(1, 13)),
                "periods": [
                    locale.day_periods["format"]["abbreviated"].get(p, p.upper())
                    for p in ("am", "pm")
                ],
                "dateTime": "%a %e %b %Y %X",
                "date": "%d/%m/%Y",
                "time": "%H:%M:%S",
                "year": "%Y",
                "month": "%b %Y",
                "dayMonth": "%-d %b",
                "dayMonthYear": "%-d %b %Y",
                "grouping": [3],
                "currency": ["", ""],
                "decimal": self.decimal_symbol,
                "thousands": self.group_symbol,
            },
        }

    @property
    def decimal_symbol(self) -> str:
        return get_decimal_symbol(self.locale)

    @property
    def group_symbol(self) -> str:
        return get_group_symbol(self.locale)
