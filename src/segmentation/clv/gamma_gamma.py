"""The Gamma-Gamma model of the value per order (Fader, Hardie and Lee 2005,
"RFM and CLV: using iso-value curves for customer base analysis"; Fader and
Hardie's note "The Gamma-Gamma model of monetary value"): a customer's order
values are gamma(p, nu) around the customer's own mean, nu is gamma(q, v)
across customers, independent of the purchase process.

Fitted on the customers' mean order value m over their n orders, by maximum
likelihood with the analytic gradient. A customer's expected order value is
then a weighted mean of the population's mean p v / (q - 1) and their own m,
the more of their own the more orders they have."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from segmentation.clv.errors import (
    ImplausibleParametersError,
    InvalidHistoryError,
    TooFewCustomersError,
)
from segmentation.clv.optimise import RIDGE_STEP, Ridge, maximise_to_ridge_end
from segmentation.clv.special import digamma_rise, log_beta

MODEL = "Gamma-Gamma"
NAMES = ("p", "q", "v")
# Where the likelihood can rise without end: the customers' own means
# differ too little to tell by how much (q and v up, the same mean), or each
# customer's orders are all of one value (p up, v down, the same mean).
RIDGES = (
    Ridge("spend_alike", up=("q", "v")),
    Ridge("one_value", up=("p",), down=("v",)),
)
BOUND_HINTS = {
    "p": "the spread of order values within customers is not identified",
    "q": "the spread of mean order values across customers is not identified",
    "v": "the scale of order values is not identified",
}


@dataclass(frozen=True)
class GammaGammaParameters:
    """p: shape of a customer's order values; q, v: shape and scale (in the
    currency of the values) of their mean across customers."""

    p: float
    q: float
    v: float

    @property
    def population_mean(self) -> float:
        """Mean order value of a customer whose own orders are unknown."""
        return self.p * self.v / (self.q - 1.0)


@dataclass(frozen=True)
class GammaGammaFit:
    parameters: GammaGammaParameters
    log_likelihood: float
    customers: int
    iterations: int
    # The RIDGES whose ends the fit took (optimise.maximise_to_ridge_end).
    ended: tuple[str, ...] = ()


def eligible(n: np.ndarray, mean_value: np.ndarray) -> np.ndarray:
    """The customers the model can be fitted on: at least one order and a
    positive, finite mean value (order values are gamma, hence > 0)."""
    n, m = np.asarray(n, dtype=np.float64), np.asarray(mean_value, dtype=np.float64)
    with np.errstate(invalid="ignore"):
        return (n >= 1) & np.isfinite(m) & (m > 0)


def _checked(n, mean_value) -> tuple[np.ndarray, np.ndarray]:
    n, m = np.asarray(n, dtype=np.float64), np.asarray(mean_value, dtype=np.float64)
    bad = ~eligible(n, m) | (n != np.floor(n))
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise InvalidHistoryError(
            "are not a whole number of orders >= 1 with a positive mean value",
            int(bad.sum()),
            f"row {i}: n = {n[i]!r}, mean value = {m[i]!r}",
        )
    return n, m


def _log_likelihood(
    theta: np.ndarray,
    n: np.ndarray,
    log_m: np.ndarray,
    n_m: np.ndarray,
    gradient: bool = True,
) -> tuple[float, np.ndarray]:
    """Mean log-likelihood per customer of the mean values, and its gradient
    in (p, q, v). n_m = n * m, the customer's total."""
    p, q, v = (float(t) for t in theta)
    pn = p * n
    # Per customer, ln(density of m) = -lnB(pn, q) + q ln(v) + pn ln(n)
    # + (pn - 1) ln(m) - (pn + q) ln(v + n m), written as below so that no
    # term is a difference of two large numbers, whichever of p and q runs
    # up a ridge (segmentation.clv.special says why that matters).
    into_total = np.log1p(n_m / v)  # ln((v + n m) / v)
    over_total = np.log1p(v / n_m)  # ln((v + n m) / (n m))
    ll = -log_beta(pn, q) - q * into_total - pn * over_total - log_m
    value = float(np.mean(ll))
    if not gradient:
        return value, np.empty(0)
    d_p = np.mean(n * (digamma_rise(pn, q) - over_total))
    d_q = np.mean(digamma_rise(q, pn) - into_total)
    d_v = np.mean((q * n_m - pn * v) / (v + n_m)) / v
    return value, np.array([d_p, d_q, d_v])


def log_likelihood(
    params: GammaGammaParameters, n: np.ndarray, mean_value: np.ndarray
) -> float:
    """Total log-likelihood of the mean values under the parameters."""
    n, m = _checked(n, mean_value)
    theta = np.array([params.p, params.q, params.v])
    value, _ = _log_likelihood(theta, n, np.log(m), n * m, gradient=False)
    return value * len(n)


def fit(
    n: np.ndarray,
    mean_value: np.ndarray,
    max_iterations: int = 1000,
    min_customers: int = 1,
) -> GammaGammaFit:
    """Maximum-likelihood parameters from eligible customers only (see
    `eligible`). Values are rescaled by their mean for the search and mapped
    back. Raises InvalidHistoryError, TooFewCustomersError,
    FitNotConvergedError, ParameterAtBoundError, or
    ImplausibleParametersError when q <= 1 (an infinite mean order value)."""
    n, m = _checked(n, mean_value)
    if len(n) < max(min_customers, 1):
        raise TooFewCustomersError(
            MODEL, "customers with a positive mean order value", len(n), min_customers
        )
    # Sorted, so that the order of the customers cannot change a sum.
    order = np.lexsort((m, n))
    n, m = n[order], m[order]
    scale = float(np.mean(m))
    scaled = m / scale
    args = (n, np.log(scaled), n * scaled)
    theta, iterations, ended = maximise_to_ridge_end(
        MODEL,
        NAMES,
        lambda t: _log_likelihood(t, *args),
        start=(1.0, 2.0, 1.0),
        max_iterations=max_iterations,
        ridges=RIDGES,
        scales=(1.0, 1.0, scale),
        hints=BOUND_HINTS,
    )
    params = GammaGammaParameters(
        p=float(theta[0]), q=float(theta[1]), v=float(theta[2] * scale)
    )
    if params.q <= 1.0:
        raise ImplausibleParametersError(
            MODEL,
            "q",
            params.q,
            "q must be above 1 for the mean order value p v / (q - 1) to be "
            "finite: the order values are too heavy-tailed for the model",
        )
    return GammaGammaFit(
        parameters=params,
        log_likelihood=log_likelihood(params, n, m),
        customers=len(n),
        iterations=iterations,
        ended=ended,
    )


def expected_order_value(
    params: GammaGammaParameters, n: np.ndarray, mean_value: np.ndarray
) -> np.ndarray:
    """E[value per order | n orders of mean value m]
    = (p (v + n m)) / (p n + q - 1). Customers with no order to go on (n = 0,
    or a mean that is not finite) get the population mean p v / (q - 1).
    A mean of 0 or less (returns worth as much as the orders) is outside the
    model: the formula is applied as is and floored at 0, so such a customer
    is worth at most the population's weight in the mean, never less than
    nothing."""
    n = np.asarray(n, dtype=np.float64)
    m = np.asarray(mean_value, dtype=np.float64)
    known = (n > 0) & np.isfinite(m)
    n_known = np.where(known, n, 0.0)
    m_known = np.where(known, m, 0.0)
    p, q, v = params.p, params.q, params.v
    value = p * (v + n_known * m_known) / (p * n_known + q - 1.0)
    return np.maximum(value, 0.0)


def mean_spread_support(
    params: GammaGammaParameters,
    n: np.ndarray,
    mean_value: np.ndarray,
    factor: float = RIDGE_STEP,
) -> float:
    """How much lower the log-likelihood is with q - 1 and v divided by
    `factor` (the same population mean p v / (q - 1), a wider spread of the
    customers' own means). Near 0, the order values cannot tell how much
    customers differ in what they spend per order: a fit on such a ridge
    runs q and v up together, and every customer's expected order value is
    the population mean."""
    wider = GammaGammaParameters(
        params.p, 1.0 + (params.q - 1.0) / factor, params.v / factor
    )
    return log_likelihood(params, n, mean_value) - log_likelihood(wider, n, mean_value)
