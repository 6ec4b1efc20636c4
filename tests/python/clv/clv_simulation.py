"""Purchase histories drawn from the BG/NBD model itself, so that a fit can
be checked against the parameters that made the data."""

from __future__ import annotations

import numpy as np


def simulate_bgnbd(
    n: int,
    r: float,
    alpha: float,
    a: float,
    b: float,
    max_age: float,
    seed: int,
    dropout: bool = True,
    extra_age: float = 0.0,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(x, t_x, T, later) of n customers: each has a Poisson purchase rate
    drawn from gamma(r, rate alpha) and a dropout probability from
    beta(a, b); after each repeat purchase it drops out with that
    probability (never, with dropout=False). Its first purchase is at time
    0, and it is observed for T, uniform on (1, max_age) in whole time
    units; `later` counts the purchases it makes in the extra_age time
    units after T (the same customers followed further)."""
    rng = np.random.default_rng(seed)
    rate = rng.gamma(r, 1.0 / alpha, n)
    p = rng.beta(a, b, n) if dropout else np.zeros(n)
    age = np.floor(rng.uniform(1, max_age, n)) + 1
    end = age + extra_age
    x = np.zeros(n)
    later = np.zeros(n)
    last = np.zeros(n)
    now = np.zeros(n)
    alive = np.ones(n, dtype=bool)
    while alive.any():
        i = np.flatnonzero(alive)
        now[i] += rng.exponential(1.0, len(i)) / rate[i]
        bought = now[i] <= end[i]
        alive[i[~bought]] = False
        j = i[bought]
        observed = now[j] <= age[j]
        x[j[observed]] += 1
        last[j[observed]] = now[j[observed]]
        later[j[~observed]] += 1
        alive[j[rng.random(len(j)) < p[j]]] = False
    # Whole time units, as the warehouse counts days.
    return x, np.floor(last), age, later
