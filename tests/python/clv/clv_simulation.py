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


def regular_purchase_days(
    n: int,
    interval_days: tuple[float, float],
    churn: float,
    days: int,
    seed: int,
) -> list[np.ndarray]:
    """The purchase days of n customers who buy at regular intervals, not
    at Poisson times: a subscription box (the same interval for everyone,
    a chance `churn` of cancelling after each charge) or regular re-orders
    (each customer's own interval drawn from `interval_days`, jittered by
    3 days; churn 0). First purchases spread over the first two thirds of
    the `days` observed."""
    rng = np.random.default_rng(seed)
    jitter = 3.0 if interval_days[0] < interval_days[1] else 0.0
    customers = []
    for first in rng.uniform(0, days * 2 / 3, n):
        interval = rng.uniform(*interval_days)
        bought = [first]
        while rng.random() >= churn:
            step = max(interval + rng.normal(0, jitter), 7.0)
            if bought[-1] + step > days:
                break
            bought.append(bought[-1] + step)
        customers.append(np.floor(np.array(bought)))
    return customers


def histories_at(purchase_days: list[np.ndarray], cutoff: float):
    """(x, t_x, T) at `cutoff` of the customers who had bought before it."""
    seen = [d[d < cutoff] for d in purchase_days]
    seen = [d for d in seen if len(d)]
    x = np.array([len(d) - 1 for d in seen], dtype=float)
    t_x = np.array([d[-1] - d[0] for d in seen])
    age = np.array([cutoff - d[0] for d in seen])
    return x, t_x, age
