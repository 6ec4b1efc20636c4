"""Per-customer predictions from fitted BG/NBD and Gamma-Gamma parameters:
P(alive), expected purchases over a horizon, expected value per order and
the discounted value of the horizon's purchases (the CLV).

The horizon is cut into steps (30 time units by default, the last one
shorter); the purchases expected in each step are discounted from the
step's end at the annual rate:
    CLV = E[value per order] * sum_k (E[Y(e_k)] - E[Y(e_(k-1))])
                                     / (1 + rate) ^ (e_k / units per year).
Every value is checked: a NaN or infinite prediction raises, it is never
returned."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from segmentation.clv import bgnbd, gamma_gamma
from segmentation.clv.errors import NonFinitePredictionError
from segmentation.clv.histories import PurchaseHistories, distinct_histories

DAYS_PER_YEAR = 365.25
DISCOUNT_STEP_DAYS = 30.0


@dataclass(frozen=True)
class CustomerValues:
    """Arrays in the order of the histories given."""

    p_alive: np.ndarray
    expected_purchases: np.ndarray
    expected_order_value: np.ndarray
    predicted_clv: np.ndarray


def step_ends(horizon: float, step: float) -> np.ndarray:
    """Ends of the discounting steps: step, 2 step, ..., horizon."""
    if horizon <= 0 or step <= 0:
        raise ValueError(f"horizon and step must be > 0, got {horizon} and {step}")
    count = math.ceil(horizon / step - 1e-9)
    ends = np.minimum(np.arange(1, count + 1) * step, horizon)
    ends[-1] = horizon
    return ends


def check_finite(name: str, values: np.ndarray) -> np.ndarray:
    bad = ~np.isfinite(values)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise NonFinitePredictionError(name, int(bad.sum()), f"row {i}: {values[i]!r}")
    return values


def discounted_purchases(
    params: bgnbd.BgNbdParameters,
    histories: PurchaseHistories,
    horizon: float,
    annual_discount_rate: float,
    units_per_year: float = DAYS_PER_YEAR,
    step: float = DISCOUNT_STEP_DAYS,
) -> tuple[np.ndarray, np.ndarray]:
    """(expected purchases over the horizon, the same discounted), per
    customer; computed once per distinct history."""
    if annual_discount_rate <= -1:
        raise ValueError(f"the discount rate must be > -1, got {annual_discount_rate}")
    distinct = distinct_histories(histories)
    ends = step_ends(horizon, step)
    upto = bgnbd.expected_purchases_by_horizon(
        params, ends, distinct.x, distinct.t_x, distinct.T
    )
    steps = np.diff(upto, axis=1, prepend=0.0)
    factors = (1.0 + annual_discount_rate) ** (-ends / units_per_year)
    # Step by step, in order: the same sums as adding the steps one by one.
    discounted = np.zeros(len(distinct.x))
    for k, factor in enumerate(factors):
        discounted += steps[:, k] * factor
    return distinct.expand(upto[:, -1]), distinct.expand(discounted)


def customer_values(
    purchases: bgnbd.BgNbdParameters,
    order_values: gamma_gamma.GammaGammaParameters,
    histories: PurchaseHistories,
    value_orders: np.ndarray,
    mean_order_value: np.ndarray,
    horizon: float,
    annual_discount_rate: float,
    units_per_year: float = DAYS_PER_YEAR,
    step: float = DISCOUNT_STEP_DAYS,
) -> CustomerValues:
    """Predictions per customer. `value_orders` and `mean_order_value` are
    the n and m of the Gamma-Gamma model (n = 0: no value known)."""
    p_alive = bgnbd.probability_alive(
        purchases, histories.x, histories.t_x, histories.T
    )
    expected, discounted = discounted_purchases(
        purchases, histories, horizon, annual_discount_rate, units_per_year, step
    )
    order_value = gamma_gamma.expected_order_value(
        order_values, value_orders, mean_order_value
    )
    return CustomerValues(
        p_alive=check_finite("P(alive)", p_alive),
        expected_purchases=check_finite("expected purchases", expected),
        expected_order_value=check_finite("expected order value", order_value),
        predicted_clv=check_finite("predicted CLV", order_value * discounted),
    )
