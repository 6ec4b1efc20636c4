"""The purchases a BG/NBD customer who is alive at T makes in the next t time
units, given x repeat purchases in T, as a series of positive terms read
straight off the model's definition.

Given the history and being alive, the purchase rate is gamma (shape r + x,
rate alpha + T) and the dropout probability beta (a, b + x), independently.
Let N be the purchase opportunities in the next t units (the events of the
Poisson process): negative binomial, P(N = n) = (k)_n / n! u^k z^n with
k = r + x, z = t / (alpha + T + t), u = 1 - z. The customer makes the first
of them and, after each purchase, stays with probability 1 - p, so the
purchases are min(N, G) with P(G > j) = (1 - p)^j, and

    E[purchases] = sum_j P(N > j) E[(1 - p)^j]
                 = sum_j P(N > j) (b + x)_j / (a + b + x)_j.

Every term is positive: no division by a - 1 (the closed form of Fader,
Hardie and Lee's equation 10 has a removable singularity at a = 1), no
hypergeometric function whose value overflows while its prefactor
underflows (the closed form does both for large a or large x), and a
truncation error bounded term by term."""

from __future__ import annotations

import numpy as np
from scipy.special import gammaln

# The sum stops when what is left of it is provably below this share of it.
RELATIVE_TOLERANCE = 1e-15
# Terms are added in blocks between two checks of what is left: 8, then as
# many as were added so far, at most MAX_BLOCK. Rows go in chunks, so that
# a block holds at most CHUNK_ROWS x MAX_BLOCK values (32 MiB a table).
MIN_BLOCK = 8
MAX_BLOCK = 1024
CHUNK_ROWS = 4096


def purchases_if_alive(
    r: float,
    alpha: float,
    a: float,
    b: float,
    t: np.ndarray,
    x: np.ndarray,
    T: np.ndarray,
) -> np.ndarray:
    """E[purchases in (T, T + t] | alive at T, x repeat purchases in T] for
    arrays t >= 0, x and T > 0 of one shape; parameters finite and > 0."""
    for name, value in (("r", r), ("alpha", alpha), ("a", a), ("b", b)):
        if not (np.isfinite(value) and value > 0):
            raise ValueError(f"BG/NBD parameter {name} must be finite and > 0: {value}")
    t, x, T = (np.asarray(v, dtype=np.float64) for v in (t, x, T))
    if not (t.shape == x.shape == T.shape):
        raise ValueError(f"t, x and T differ in shape: {t.shape}, {x.shape}, {T.shape}")
    flat = [v.ravel() for v in (t, x, T)]
    out = np.zeros(flat[0].shape)
    for start in range(0, len(out), CHUNK_ROWS):
        part = slice(start, start + CHUNK_ROWS)
        out[part] = _series(r, alpha, a, b, *(v[part] for v in flat))
    return out.reshape(t.shape)


def _series(r, alpha, a, b, t, x, T) -> np.ndarray:
    """The sum for one chunk of rows. The blocks start at the same terms
    for every row, so a row's value does not depend on the other rows."""
    total = np.zeros(len(t))
    rows = np.flatnonzero(t > 0)  # nothing is bought in no time
    k, beta_b = r + x[rows], b + x[rows]
    log_end = np.log(alpha + T[rows] + t[rows])
    log_u = np.log(alpha + T[rows]) - log_end
    log_z = np.log(t[rows]) - log_end
    log_pmf0 = k * log_u  # log P(N = 0)
    # Term j = 0: P(N > 0) E[(1 - p)^0].
    q = -np.expm1(log_pmf0)  # P(N > j)
    m = np.ones(len(rows))  # E[(1 - p)^j]
    sums = q.copy()
    j = 0
    while len(rows):
        # log P(N = j) afresh, not carried from block to block.
        log_pmf = gammaln(k + j) - gammaln(k) - gammaln(j + 1.0) + log_pmf0
        log_pmf += j * log_z
        left = _tail_bound(a, k, beta_b, log_z, j, np.exp(log_pmf), q, m)
        going = ~(left <= RELATIVE_TOLERANCE * sums)
        if not going.all():
            total[rows[~going]] = sums[~going]
            rows, k, beta_b, log_z, log_pmf0, log_pmf, q, m, sums = (
                v[going]
                for v in (rows, k, beta_b, log_z, log_pmf0, log_pmf, q, m, sums)
            )
            if not len(rows):
                break
        # Terms j + 1 .. j + n. The probabilities in logarithms: P(N = 0)
        # may be too small for a double where the later ones are not.
        n = min(max(j, MIN_BLOCK), MAX_BLOCK)
        steps = j + np.arange(n, dtype=np.float64)
        log_ratio = np.log(k[:, None] + steps) - np.log(steps + 1.0)
        log_ratio += log_z[:, None]
        pmfs = np.exp(log_pmf[:, None] + np.cumsum(log_ratio, axis=1))
        qs = np.maximum(q[:, None] - np.cumsum(pmfs, axis=1), 0.0)
        stay = (beta_b[:, None] + steps) / (a + beta_b[:, None] + steps)
        ms = m[:, None] * np.cumprod(stay, axis=1)
        sums = sums + np.sum(qs * ms, axis=1)
        q, m = qs[:, -1], ms[:, -1]
        j += n
    return total


def _tail_bound(a, k, beta_b, log_z, j, pmf, q, m) -> np.ndarray:
    """An upper bound of sum_{i > j} P(N > i) E[(1 - p)^i].

    Negative binomial: P(N = i + 1) / P(N = i) = (k + i) z / (i + 1), which
    for i >= j is at most rho = that ratio at j when k >= 1 (it falls with
    i) and z when k < 1 (it rises towards z). Then P(N > i) <= P(N = i)
    rho / (1 - rho) and the tail is at most E[(1 - p)^j] P(N = j)
    (rho / (1 - rho))^2. It rests on the probability itself, not on P(N > j),
    which is a running difference with rounding left in it.
    Beta, for a > 1: sum_{i > j} E[(1 - p)^i] = E[(1 - p)^j] (b + x + j) /
    (a - 1), so the tail is at most P(N > j) times that."""
    log_ratio = np.where(k >= 1, np.log(k + j) - np.log(j + 1.0), 0.0) + log_z
    rho = np.exp(log_ratio)
    with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
        by_count = np.where(rho < 1, m * pmf * (rho / (1.0 - rho)) ** 2, np.inf)
        by_dropout = q * m * (beta_b + j) / (a - 1.0) if a > 1 else np.inf
    return np.minimum(by_count, by_dropout)
