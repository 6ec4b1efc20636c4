"""Movement between segments from one as-of date to another, for every pair
of published dates, so the page can draw the Sankey of whichever two dates
a reader picks without the data of each customer.

A customer not scored at the earlier date (no purchase yet) comes from
NEW; one scored then but not at the later date goes to GONE.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from segmentation.report.data import History

QUARTER_DAYS = 91
MONTH_DAYS = 28


@dataclass(frozen=True)
class PairFlows:
    """Customers from each segment (or NEW) to each segment (or GONE)."""

    from_date: dt.date
    to_date: dt.date
    # (from code, to code, customers); codes index History.segments, and
    # len(segments) stands for NEW (from) or GONE (to).
    links: list[tuple[int, int, int]]

    def stayed_in_place(self, segments: int) -> int:
        return sum(n for f, t, n in self.links if f == t and f < segments)


def pair_flows(history: History, first: int, second: int) -> PairFlows:
    """Flows between date positions `first` < `second` of `history`."""
    if not 0 <= first < second < len(history.dates):
        raise ValueError(f"date positions must rise: {first}, {second}")
    size = len(history.segments)
    before = history.paths[:, first].astype(np.int64)
    after = history.paths[:, second].astype(np.int64)
    before = np.where(before < 0, size, before)
    after = np.where(after < 0, size, after)
    cell = before * (size + 1) + after
    counts = np.bincount(
        cell, weights=history.path_counts, minlength=(size + 1) ** 2
    ).astype(np.int64)
    links = [
        (int(index // (size + 1)), int(index % (size + 1)), int(counts[index]))
        for index in np.flatnonzero(counts)
        # Never scored at either date: not part of this movement.
        if not (index // (size + 1) == size and index % (size + 1) == size)
    ]
    return PairFlows(history.dates[first], history.dates[second], links)


def all_pair_flows(history: History) -> dict[str, list[int]]:
    """{"i-j": [from, to, customers, ...]} for every pair of date positions
    i < j: flat lists, to keep the page small."""
    out: dict[str, list[int]] = {}
    for first in range(len(history.dates)):
        for second in range(first + 1, len(history.dates)):
            flows = pair_flows(history, first, second)
            out[f"{first}-{second}"] = [v for link in flows.links for v in link]
    return out


def default_pair(dates: list[dt.date]) -> tuple[int, int] | None:
    """The latest date and the latest one at least a quarter before it,
    else at least a month before it, else the date before it."""
    if len(dates) < 2:
        return None
    last = len(dates) - 1
    for gap in (QUARTER_DAYS, MONTH_DAYS):
        earlier = [
            i for i, d in enumerate(dates[:last]) if (dates[last] - d).days >= gap
        ]
        if earlier:
            return earlier[-1], last
    return last - 1, last
