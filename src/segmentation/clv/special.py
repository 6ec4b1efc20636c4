"""Differences of the log-gamma and digamma functions at q + x and q,
accurate for any q > 0. The fits need them where a parameter runs up a
ridge towards its bound (near 10^6): there gammaln and digamma give each
term to about 10^-16 of itself, and the difference of two terms near 10^7
would be rounding noise that stops a search short."""

from __future__ import annotations

import numpy as np
from scipy.special import digamma, gammaln

# From here on the differences come from the asymptotic series, whose terms
# left out add less than 1 / (1680 q^7) and 1 / (240 q^8), under 10^-17;
# below it, the terms are small enough to subtract.
SERIES_FROM = 100.0


def log_rising(q, x):
    """lnG(q + x) - lnG(q), for q > 0 and x >= 0 (numbers or arrays)."""

    def direct(q, x):
        return gammaln(q + x) - gammaln(q)

    def series(q, x):
        def tail(z):
            z2 = z * z
            return (1.0 / 12.0 - (1.0 / 360.0 - 1.0 / (1260.0 * z2)) / z2) / z

        rise = (q - 0.5) * np.log1p(x / q) + x * np.log(q + x) - x
        return rise + tail(q + x) - tail(q)

    return _by_size(q, x, direct, series)


def digamma_rise(q, x):
    """digamma(q + x) - digamma(q), for q > 0 and x >= 0."""

    def direct(q, x):
        return digamma(q + x) - digamma(q)

    def series(q, x):
        def tail(z):
            w = 1.0 / (z * z)
            return -0.5 / z - w * (1.0 / 12.0 - w * (1.0 / 120.0 - w / 252.0))

        return np.log1p(x / q) + tail(q + x) - tail(q)

    return _by_size(q, x, direct, series)


def _by_size(q, x, direct, series) -> np.ndarray:
    """direct(q, x) where q < SERIES_FROM, series(q, x) elsewhere, each
    computed only where it is used."""
    q, x = np.broadcast_arrays(
        np.asarray(q, dtype=np.float64), np.asarray(x, dtype=np.float64)
    )
    small = q < SERIES_FROM
    if small.all():
        return direct(q, x)
    if not small.any():
        return series(q, x)
    out = np.empty(q.shape)
    out[small] = direct(q[small], x[small])
    out[~small] = series(q[~small], x[~small])
    return out


def log_beta(x, y):
    """ln B(x, y) = lnG(x) + lnG(y) - lnG(x + y), for x, y > 0: lnG of the
    smaller less the rise from the larger, so that one large argument leaves
    no difference of two large numbers (two large ones still cancel: about
    10^-9 at 10^6 and 10^6)."""
    x, y = np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)
    small, large = np.minimum(x, y), np.maximum(x, y)
    return gammaln(small) - log_rising(large, small)
