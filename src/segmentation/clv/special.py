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
    q, x = np.asarray(q, dtype=np.float64), np.asarray(x, dtype=np.float64)
    big = np.maximum(q, SERIES_FROM)  # the series, where it is used

    def tail(z):
        z2 = z * z
        return (1.0 / 12.0 - (1.0 / 360.0 - 1.0 / (1260.0 * z2)) / z2) / z

    series = (
        (big - 0.5) * np.log1p(x / big)
        + x * np.log(big + x)
        - x
        + tail(big + x)
        - tail(big)
    )
    return np.where(q < SERIES_FROM, gammaln(q + x) - gammaln(q), series)


def digamma_rise(q, x):
    """digamma(q + x) - digamma(q), for q > 0 and x >= 0."""
    q, x = np.asarray(q, dtype=np.float64), np.asarray(x, dtype=np.float64)
    big = np.maximum(q, SERIES_FROM)

    def tail(z):
        w = 1.0 / (z * z)
        return -0.5 / z - w * (1.0 / 12.0 - w * (1.0 / 120.0 - w / 252.0))

    series = np.log1p(x / big) + tail(big + x) - tail(big)
    return np.where(q < SERIES_FROM, digamma(q + x) - digamma(q), series)


def log_beta(x, y):
    """ln B(x, y) = lnG(x) + lnG(y) - lnG(x + y), for x, y > 0: lnG of the
    smaller less the rise from the larger, so that one large argument leaves
    no difference of two large numbers (two large ones still cancel: about
    10^-9 at 10^6 and 10^6)."""
    x, y = np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)
    small, large = np.minimum(x, y), np.maximum(x, y)
    return gammaln(small) - log_rising(large, small)
