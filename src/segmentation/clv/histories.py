"""Purchase histories in the form the BG/NBD model reads, checked, and
folded into distinct histories with a count each (many customers share one:
every one-time buyer of the same day has the same x, t_x and T), so that a
likelihood costs one term per distinct history, not per customer."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from segmentation.clv.errors import InvalidHistoryError


@dataclass(frozen=True)
class PurchaseHistories:
    """One entry per customer, in one time unit (days in the warehouse).

    x: repeat purchases (purchases after the first; whole numbers >= 0).
    t_x: time from the first to the last purchase (0 when x = 0).
    T: time from the first purchase to the end of observation (> 0).
    """

    x: np.ndarray
    t_x: np.ndarray
    T: np.ndarray

    def __len__(self) -> int:
        return len(self.x)


@dataclass(frozen=True)
class DistinctHistories:
    """The distinct (x, t_x, T) of some histories, sorted, with how many
    customers have each (`weight`) and, per customer, the index of theirs
    (`inverse`)."""

    x: np.ndarray
    t_x: np.ndarray
    T: np.ndarray
    weight: np.ndarray
    inverse: np.ndarray

    def expand(self, values: np.ndarray) -> np.ndarray:
        """Per-customer values from per-distinct-history values."""
        return values[self.inverse]


def _first_bad(mask: np.ndarray, x, t_x, T) -> str:
    i = int(np.flatnonzero(mask)[0])
    return f"row {i}: x = {x[i]!r}, t_x = {t_x[i]!r}, T = {T[i]!r}"


def purchase_histories(x, t_x, T) -> PurchaseHistories:
    """Checked histories as float arrays; InvalidHistoryError names the first
    history that breaks a rule, and how many do."""
    x, t_x, T = (np.asarray(a, dtype=np.float64).ravel() for a in (x, t_x, T))
    if not len(x) == len(t_x) == len(T):
        raise ValueError(
            f"x, t_x and T differ in length: {len(x)}, {len(t_x)}, {len(T)}"
        )
    checks = [
        (
            "are not finite numbers",
            ~(np.isfinite(x) & np.isfinite(t_x) & np.isfinite(T)),
        ),
        ("have a negative or fractional repeat count x", (x < 0) | (x != np.floor(x))),
        ("have T <= 0 (no time observed since the first purchase)", T <= 0),
        ("have t_x outside 0 .. T", (t_x < 0) | (t_x > T)),
        ("have no repeat purchase (x = 0) but t_x > 0", (x == 0) & (t_x != 0)),
    ]
    for problem, bad in checks:
        # Non-finite rows would trip the later comparisons: stop at the first.
        if bad.any():
            raise InvalidHistoryError(
                problem, int(bad.sum()), _first_bad(bad, x, t_x, T)
            )
    return PurchaseHistories(x, t_x, T)


def distinct_histories(histories: PurchaseHistories) -> DistinctHistories:
    """Fold equal histories together. The order of the customers does not
    change the result: the distinct histories come out sorted."""
    frame = pd.DataFrame({"x": histories.x, "t_x": histories.t_x, "T": histories.T})
    groups = frame.groupby(["x", "t_x", "T"], sort=True)
    sizes = groups.size()
    keys = sizes.index.to_frame(index=False)
    return DistinctHistories(
        x=keys["x"].to_numpy(np.float64),
        t_x=keys["t_x"].to_numpy(np.float64),
        T=keys["T"].to_numpy(np.float64),
        weight=sizes.to_numpy(np.float64),
        inverse=groups.ngroup().to_numpy(np.int64),
    )
