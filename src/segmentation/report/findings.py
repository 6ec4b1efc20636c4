"""The figures behind the executive summary's sentences, computed from the
published data alone (the sentences themselves are in the translation
table). Each returns None when its tables were not published."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from segmentation.report.data import no_rows
from segmentation.report.flows import PairFlows

PARETO_TOP_SHARE = 0.2


@dataclass(frozen=True)
class TopShare:
    """The segment (or cluster) with the largest share of revenue."""

    name: str
    customers: int
    customer_share: float
    revenue_share: float


@dataclass(frozen=True)
class Movement:
    """What moved between two as-of dates of the history."""

    previous_date: dt.date
    current_date: dt.date
    stayed_customers: int  # scored at both dates
    changed: int  # of those, in another segment now
    new_customers: int
    largest_from: str | None
    largest_to: str | None
    largest_customers: int
    grew_most: str | None
    grew_by: int

    @property
    def changed_share(self) -> float:
        return self.changed / self.stayed_customers if self.stayed_customers else 0.0


def top_revenue_segment(
    frame: pd.DataFrame | None, name_column: str
) -> TopShare | None:
    """The row of `frame` with the largest revenue share (ties: the first)."""
    if no_rows(frame) or frame["revenue_share"].isna().all():
        return None
    row = frame.loc[frame["revenue_share"].astype(float).idxmax()]
    return TopShare(
        name=str(row[name_column]),
        customers=int(row["customers"]),
        customer_share=float(row["customer_share"]),
        revenue_share=float(row["revenue_share"]),
    )


def movement(flows: PairFlows, segments: list[str]) -> Movement:
    """What moved between the two dates of `flows` (codes index
    `segments`; len(segments) is NEW on the left, GONE on the right)."""
    size = len(segments)
    known = [(f, t, n) for f, t, n in flows.links if f < size and t < size]
    moved = [(f, t, n) for f, t, n in known if f != t]
    largest = sorted(moved, key=lambda link: (-link[2], link[0], link[1]))[:1]
    before = np.zeros(size + 1, dtype=np.int64)
    after = np.zeros(size + 1, dtype=np.int64)
    for f, t, n in flows.links:
        before[f] += n
        after[t] += n
    growth = after[:size] - before[:size]
    # Ties go to the better-ranked segment (the first code).
    grew = int(np.argmax(growth)) if size and growth.max() > 0 else None
    return Movement(
        previous_date=flows.from_date,
        current_date=flows.to_date,
        stayed_customers=sum(n for _, _, n in known),
        changed=sum(n for _, _, n in moved),
        new_customers=sum(n for f, t, n in flows.links if f == size and t < size),
        largest_from=segments[largest[0][0]] if largest else None,
        largest_to=segments[largest[0][1]] if largest else None,
        largest_customers=largest[0][2] if largest else 0,
        grew_most=segments[grew] if grew is not None else None,
        grew_by=int(growth[grew]) if grew is not None else 0,
    )


def pareto_share(
    monetary_desc: np.ndarray | None, top: float = PARETO_TOP_SHARE
) -> float | None:
    """Share of net revenue brought by the top `top` of customers by revenue
    (rounded up to whole customers)."""
    if monetary_desc is None or len(monetary_desc) == 0:
        return None
    total = float(monetary_desc.sum())
    if total == 0:
        return None
    count = max(1, math.ceil(top * len(monetary_desc)))
    return float(monetary_desc[:count].sum()) / total


def segment_flows(flows: PairFlows, segments: list[str], segment: str) -> dict | None:
    """For one segment at the earlier date of `flows`: how many customers
    stayed, moved to a better-ranked segment, moved to a worse one (codes
    are in rank order), left the scored customers, and the total."""
    if segment not in segments:
        return None
    code, size = segments.index(segment), len(segments)
    out = [(t, n) for f, t, n in flows.links if f == code]
    total = sum(n for _, n in out)
    if total == 0:
        return None
    return {
        "total": total,
        "stayed": sum(n for t, n in out if t == code),
        "up": sum(n for t, n in out if t < code),
        "down": sum(n for t, n in out if code < t < size),
        "gone": sum(n for t, n in out if t == size),
    }
