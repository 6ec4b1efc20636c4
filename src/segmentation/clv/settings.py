"""The settings of the CLV models as the warehouse passes them (one dict,
from the vars clv_*), checked; a value the models cannot use raises
ClvSettingsError naming its var."""

from __future__ import annotations

import ast
import math
from collections.abc import Mapping
from dataclasses import dataclass

from segmentation.clv.bgnbd import BgNbdParameters
from segmentation.clv.gamma_gamma import GammaGammaParameters


class ClvSettingsError(ValueError):
    """A var of the CLV models has a value they cannot use."""


@dataclass(frozen=True)
class StoredParameters:
    purchases: BgNbdParameters
    order_values: GammaGammaParameters


@dataclass(frozen=True)
class ClvSettings:
    horizon_days: int
    annual_discount_rate: float
    holdout_days: int | None
    min_repeat_customers: int
    max_iterations: int
    stored_parameters: StoredParameters | None


def _native(value: object) -> object:
    """dbt-duckdb hands config values over as Python values; other versions
    as their text. Text that is a Python literal is read as one."""
    if isinstance(value, str):
        try:
            return ast.literal_eval(value)
        except (ValueError, SyntaxError):
            return value
    return value


def _whole(raw: Mapping, name: str, low: int, high: int, allow_none=False):
    value = _native(raw.get(name))
    if value is None and allow_none:
        return None
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float)
        or value != int(value)
        or not low <= value <= high
    ):
        raise ClvSettingsError(
            f"var {name} is {value!r}: use a whole number from {low} to {high}"
            + (", or null" if allow_none else "")
            + "."
        )
    return int(value)


def _stored(value: object) -> StoredParameters | None:
    value = _native(value)
    if value is None:
        return None
    expected = {"bg_nbd": ("r", "alpha", "a", "b"), "gamma_gamma": ("p", "q", "v")}
    example = (
        "{bg_nbd: {r: 0.24, alpha: 30.9, a: 0.79, b: 2.43}, "
        "gamma_gamma: {p: 6.25, q: 3.74, v: 15.4}}"
    )
    if not isinstance(value, Mapping) or set(value) != set(expected):
        raise ClvSettingsError(
            f"var clv_parameters is {value!r}: use null (fit on the data) or the "
            f"values of an earlier build's clv_model_parameters, e.g. {example}."
        )
    numbers = {}
    for model, names in expected.items():
        given = _native(value[model])
        if not isinstance(given, Mapping) or set(given) != set(names):
            raise ClvSettingsError(
                f"var clv_parameters.{model} is {given!r}: give exactly "
                f"{', '.join(names)}, e.g. {example}."
            )
        for name in names:
            number = _native(given[name])
            if (
                isinstance(number, bool)
                or not isinstance(number, int | float)
                or not math.isfinite(number)
                or number <= 0
            ):
                raise ClvSettingsError(
                    f"var clv_parameters.{model}.{name} is {number!r}: every "
                    "parameter is a number above 0."
                )
            numbers[(model, name)] = float(number)
    if numbers[("gamma_gamma", "q")] <= 1:
        raise ClvSettingsError(
            f"var clv_parameters.gamma_gamma.q is {numbers[('gamma_gamma', 'q')]}: "
            "it must be above 1 (the mean order value is p v / (q - 1))."
        )
    return StoredParameters(
        BgNbdParameters(*(numbers[("bg_nbd", n)] for n in expected["bg_nbd"])),
        GammaGammaParameters(
            *(numbers[("gamma_gamma", n)] for n in expected["gamma_gamma"])
        ),
    )


def clv_settings(raw: Mapping[str, object] | str) -> ClvSettings:
    """The checked settings from the dict of vars (keys are the var names)."""
    raw = _native(raw)
    if not isinstance(raw, Mapping):
        raise ClvSettingsError(f"the CLV settings are not a mapping: {raw!r}")
    rate = _native(raw.get("clv_annual_discount_rate"))
    if isinstance(rate, bool) or not isinstance(rate, int | float) or not 0 <= rate < 1:
        raise ClvSettingsError(
            f"var clv_annual_discount_rate is {rate!r}: use a yearly rate from 0 "
            "to below 1 (0.1 = 10% a year)."
        )
    return ClvSettings(
        horizon_days=_whole(raw, "clv_horizon_days", 1, 3660),
        annual_discount_rate=float(rate),
        holdout_days=_whole(raw, "clv_holdout_days", 1, 3660, allow_none=True),
        min_repeat_customers=_whole(raw, "clv_min_repeat_customers", 1, 10**9),
        max_iterations=_whole(raw, "clv_max_iterations", 10, 100_000),
        stored_parameters=_stored(raw.get("clv_parameters")),
    )
