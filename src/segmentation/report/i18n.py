"""The report's words and number formats, per language.

Every sentence and label of the report is a row of `translations.csv`
(key, then one column per language); the code only names keys. Numbers,
percentages and dates are formatted with the language's conventions
(CLDR, through Babel): 5,878 and 68.7% in English, 5 878 and 68,7 % in
French.
"""

from __future__ import annotations

import csv
import datetime as dt
import math
from dataclasses import dataclass
from functools import cache
from importlib import resources

from babel import Locale
from babel.dates import format_date
from babel.numbers import format_decimal, format_percent

LANGUAGES = {"en": "en_GB", "fr": "fr_FR"}
TRANSLATIONS_FILE = "translations.csv"


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


@dataclass(frozen=True)
class Language:
    """Words and formats of one language of the report."""

    code: str

    def __post_init__(self) -> None:
        if self.code not in LANGUAGES:
            known = ", ".join(LANGUAGES)
            raise ValueError(f"unknown language {self.code!r} (known: {known})")

    @property
    def locale(self) -> str:
        return LANGUAGES[self.code]

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

    def number(self, value: float | None, decimals: int = 0) -> str:
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return self.t("value.not_available")
        pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
        return format_decimal(value, format=pattern, locale=self.locale)

    def percent(self, share: float | None, decimals: int = 1) -> str:
        """`share` is a fraction: 0.687 -> 68.7%."""
        if share is None or (isinstance(share, float) and math.isnan(share)):
            return self.t("value.not_available")
        # The locale's own pattern keeps its spacing (68,7 % in French).
        pattern = Locale.parse(self.locale).percent_formats[None].pattern
        if decimals:
            last_digit = pattern.rfind("0") + 1
            pattern = f"{pattern[:last_digit]}.{'0' * decimals}{pattern[last_digit:]}"
        return format_percent(share, format=pattern, locale=self.locale)

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
