"""The BG/NBD model of repeat purchases (Fader, Hardie and Lee 2005,
"Counting your customers the easy way"): while alive, a customer buys at a
Poisson rate (gamma-distributed across customers: shape r, scale alpha in the
time unit of the histories); after each purchase the customer drops out with
a probability p (beta-distributed: a, b).

Fitted by maximum likelihood (equation 6 of the paper) with the analytic
gradient; P(alive) given a customer's history follows equation 13 of the
paper and Fader and Hardie's note "Computing P(alive) using the BG/NBD
model". The expected purchases over a horizon (the paper's equation 10) are
P(alive) times a series of positive terms (purchases_if_alive.py), which
stays finite where the closed form's hypergeometric function overflows."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.special import expit

from segmentation.clv.errors import TooFewCustomersError
from segmentation.clv.histories import (
    DistinctHistories,
    PurchaseHistories,
    distinct_histories,
)
from segmentation.clv.optimise import RIDGE_STEP, Ridge, maximise_to_ridge_end
from segmentation.clv.purchases_if_alive import purchases_if_alive
from segmentation.clv.special import digamma_rise, log_rising

MODEL = "BG/NBD"
NAMES = ("r", "alpha", "a", "b")
# Where the likelihood can rise without end: customers differ too little in
# their dropout probability to tell by how much (a and b up, the same
# mean), or nobody seems to drop out (a down, b up: the mean towards 0,
# where neither matters any more, so both are held), or customers differ
# too little in how often they buy (r and alpha up, the same mean rate).
RIDGES = (
    Ridge("dropout_spread", up=("a", "b")),
    Ridge("no_dropout", up=("b",), down=("a",), hold_all=True),
    Ridge("one_rate", up=("r", "alpha")),
)
BOUND_HINTS = {
    "r": "the purchase rates are not identified (too few repeat purchases?)",
    "alpha": "the purchase rates are not identified (too few repeat purchases?)",
    "a": (
        "the dropout probabilities are not identified: typically almost no "
        "customer seems to stop buying, or the histories are too short to tell"
    ),
    "b": (
        "the dropout probabilities are not identified: typically almost no "
        "customer seems to stop buying, or the histories are too short to tell"
    ),
}


@dataclass(frozen=True)
class BgNbdParameters:
    """r and alpha: gamma shape and scale (time unit of the histories) of the
    purchase rates; a and b: beta parameters of the dropout probability."""

    r: float
    alpha: float
    a: float
    b: float


@dataclass(frozen=True)
class BgNbdFit:
    parameters: BgNbdParameters
    log_likelihood: float
    customers: int
    repeat_customers: int
    iterations: int
    # The RIDGES whose ends the fit took (optimise.maximise_to_ridge_end).
    ended: tuple[str, ...] = ()


@dataclass(frozen=True)
class _Prepared:
    """Distinct histories with the arrays every likelihood evaluation reuses."""

    histories: DistinctHistories
    x_values: np.ndarray  # distinct x
    x_index: np.ndarray  # per distinct history, its x's index in x_values
    total: float  # customers

    @classmethod
    def of(cls, histories: DistinctHistories) -> _Prepared:
        x_values, x_index = np.unique(histories.x, return_inverse=True)
        return cls(histories, x_values, x_index, float(histories.weight.sum()))


def _log_likelihood(
    theta: np.ndarray, data: _Prepared, gradient: bool = True
) -> tuple[float, np.ndarray]:
    """Mean log-likelihood per customer and its gradient in (r, alpha, a, b).

    Per customer, L = A1 * (exp(A2) + [x > 0] exp(A3)) with
    A1 = lnG(r+x) - lnG(r) + r ln(alpha),
    A2 = lnB(a, b+x) - lnB(a, b) - (r+x) ln(alpha+T),
    A3 = lnB(a+1, b+x-1) - lnB(a, b) - (r+x) ln(alpha+t_x).
    The terms that depend on x alone are computed once per distinct x.
    """
    r, alpha, a, b = (float(v) for v in theta)
    h, xu, i = data.histories, data.x_values, data.x_index
    repeat = xu > 0
    # lnB(a, b+x) - lnB(a, b) and lnB(a+1, b+x-1) - lnB(a, b) as rises of
    # lnG (segmentation.clv.special): a and b may run up a ridge to 10^6.
    x_less_one = np.maximum(xu - 1, 0.0)
    rise_abx = log_rising(a + b, xu)
    a2_x = log_rising(b, xu) - rise_abx
    a3_x = np.where(repeat, np.log(a) + log_rising(b, x_less_one) - rise_abx, -np.inf)

    # r ln(alpha) - (r+x) ln(alpha+T) as -r ln(1 + T/alpha) - x ln(alpha+T),
    # and lnG(r+x) - lnG(r) from segmentation.clv.special: no difference
    # of two large numbers where r runs up towards its bound.
    share_t = np.log1p(h.T / alpha)
    share_tx = np.log1p(h.t_x / alpha)
    log_alpha_t = np.log(alpha + h.T)
    log_alpha_tx = np.log(alpha + h.t_x)
    a2 = a2_x[i] - r * share_t - h.x * log_alpha_t
    a3 = a3_x[i] - r * share_tx - h.x * log_alpha_tx
    top = np.maximum(a2, a3)
    e2, e3 = np.exp(a2 - top), np.exp(a3 - top)
    total = e2 + e3
    per_history = log_rising(r, xu)[i] + top + np.log(total)
    weights = h.weight / data.total
    value = float(np.sum(per_history * weights))
    if not gradient:
        return value, np.empty(0)

    share3 = e3 / total  # the t_x term's share of the likelihood
    share2 = 1.0 - share3
    psi_rise_abx = digamma_rise(a + b, xu)
    d_r = digamma_rise(r, xu)[i] - share2 * share_t - share3 * share_tx
    # r / alpha - (r+x) / (alpha+T) over one denominator, for the same reason.
    d_alpha = share2 * (r * h.T - h.x * alpha) / (alpha * (alpha + h.T))
    d_alpha += share3 * (r * h.t_x - h.x * alpha) / (alpha * (alpha + h.t_x))
    d2_a = -psi_rise_abx
    d3_a = np.where(repeat, 1.0 / a - psi_rise_abx, 0.0)
    d2_b = digamma_rise(b, xu) - psi_rise_abx
    d3_b = np.where(repeat, digamma_rise(b, x_less_one) - psi_rise_abx, 0.0)
    d_a = share2 * d2_a[i] + share3 * d3_a[i]
    d_b = share2 * d2_b[i] + share3 * d3_b[i]
    # Plain sums, not BLAS dot products: BLAS may add in an order that
    # depends on its threads, and the same inputs must give the same fit.
    grad = np.array([np.sum(g * weights) for g in (d_r, d_alpha, d_a, d_b)])
    return value, grad


def log_likelihood(params: BgNbdParameters, histories: PurchaseHistories) -> float:
    """Total log-likelihood of the histories under the parameters."""
    data = _Prepared.of(distinct_histories(histories))
    theta = np.array([params.r, params.alpha, params.a, params.b])
    return _log_likelihood(theta, data, gradient=False)[0] * data.total


def fit(
    histories: PurchaseHistories,
    max_iterations: int = 1000,
    min_repeat_customers: int = 1,
) -> BgNbdFit:
    """Maximum-likelihood parameters. Times are rescaled by the mean T for
    the search (so its start and bounds suit any time unit) and mapped back.
    Raises TooFewCustomersError, FitNotConvergedError or
    ParameterAtBoundError."""
    repeat_customers = int(np.count_nonzero(histories.x > 0))
    if repeat_customers < max(min_repeat_customers, 1):
        raise TooFewCustomersError(
            MODEL,
            "customers with a repeat purchase",
            repeat_customers,
            max(min_repeat_customers, 1),
        )
    scale = float(np.mean(histories.T))
    scaled = PurchaseHistories(histories.x, histories.t_x / scale, histories.T / scale)
    data = _Prepared.of(distinct_histories(scaled))
    theta, iterations, ended = maximise_to_ridge_end(
        MODEL,
        NAMES,
        lambda t: _log_likelihood(t, data),
        start=(1.0, 1.0, 1.0, 1.0),
        max_iterations=max_iterations,
        ridges=RIDGES,
        scales=(1.0, scale, 1.0, 1.0),
        hints=BOUND_HINTS,
    )
    params = BgNbdParameters(
        r=float(theta[0]),
        alpha=float(theta[1] * scale),
        a=float(theta[2]),
        b=float(theta[3]),
    )
    return BgNbdFit(
        parameters=params,
        log_likelihood=log_likelihood(params, histories),
        customers=len(histories),
        repeat_customers=repeat_customers,
        iterations=iterations,
        ended=ended,
    )


def probability_alive(
    params: BgNbdParameters, x: np.ndarray, t_x: np.ndarray, T: np.ndarray
) -> np.ndarray:
    """P(alive | x, t_x, T). 1 for customers without a repeat purchase: in
    BG/NBD a customer can only drop out right after a purchase."""
    r, alpha, a, b = params.r, params.alpha, params.a, params.b
    x, t_x, T = (np.asarray(v, dtype=np.float64) for v in (x, t_x, T))
    repeat = x > 0
    log_odds = np.full(x.shape, -np.inf)
    xr, txr, tr = x[repeat], t_x[repeat], T[repeat]
    log_odds[repeat] = (
        np.log(a)
        - np.log(b + xr - 1)
        + (r + xr) * (np.log(alpha + tr) - np.log(alpha + txr))
    )
    return expit(-log_odds)


def expected_purchases(
    params: BgNbdParameters,
    t: float,
    x: np.ndarray,
    t_x: np.ndarray,
    T: np.ndarray,
) -> np.ndarray:
    """Expected purchases in the t time units after T, given the history."""
    return expected_purchases_by_horizon(params, np.array([t]), x, t_x, T)[..., 0]


def expected_purchases_by_horizon(
    params: BgNbdParameters,
    horizons: np.ndarray,
    x: np.ndarray,
    t_x: np.ndarray,
    T: np.ndarray,
) -> np.ndarray:
    """Expected purchases in the first h time units after T for each h of
    `horizons` (last axis of the result), given the history: P(alive) times
    the purchases of a customer alive at T, which depend on x and T alone
    and are computed once per distinct (x, T) and horizon."""
    x, t_x, T = (np.asarray(v, dtype=np.float64) for v in (x, t_x, T))
    horizons = np.asarray(horizons, dtype=np.float64).ravel()
    if not np.all(horizons >= 0):
        raise ValueError(f"horizons must be >= 0, got {horizons}")
    pair_x, pair_T, inverse = _distinct_pairs(x.ravel(), T.ravel())
    grid = np.broadcast_shapes((len(pair_x), 1), (1, len(horizons)))
    if_alive = purchases_if_alive(
        params.r,
        params.alpha,
        params.a,
        params.b,
        np.broadcast_to(horizons[None, :], grid),
        np.broadcast_to(pair_x[:, None], grid),
        np.broadcast_to(pair_T[:, None], grid),
    )
    alive = probability_alive(params, x, t_x, T).reshape(-1, 1)
    return (alive * if_alive[inverse]).reshape(*x.shape, len(horizons))


def _distinct_pairs(x: np.ndarray, T: np.ndarray):
    """The distinct (x, T), sorted, and each row's index among them."""
    order = np.lexsort((T, x))
    xs, ts = x[order], T[order]
    first = np.ones(len(xs), dtype=bool)
    first[1:] = (xs[1:] != xs[:-1]) | (ts[1:] != ts[:-1])
    inverse = np.empty(len(xs), dtype=np.int64)
    inverse[order] = np.cumsum(first) - 1
    return xs[first], ts[first], inverse


def dropout_spread_support(
    params: BgNbdParameters, histories: PurchaseHistories, factor: float = RIDGE_STEP
) -> float:
    """How much lower the log-likelihood is with a and b divided by `factor`
    (the same mean dropout probability a / (a + b), a wider spread of it
    across customers). Near 0, the histories cannot tell how much customers
    differ in dropping out: a fit on such a ridge runs a and b up together,
    and its predictions rest on the mean alone."""
    wider = BgNbdParameters(
        params.r, params.alpha, params.a / factor, params.b / factor
    )
    return log_likelihood(params, histories) - log_likelihood(wider, histories)
