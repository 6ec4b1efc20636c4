"""The figures behind the executive summary's sentences, computed from the
published data alone (the sentences themselves are in the translation
table). Each returns None when its tables were not published."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from segmentation.report.data import ReportData

NEW, GONE = "(new)", "(gone)"
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
    """What moved between the last two as-of dates of the history."""

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
    if frame is None or frame.empty or frame["revenue_share"].isna().all():
        return None
    row = frame.loc[frame["revenue_share"].astype(float).idxmax()]
    return TopShare(
        name=str(row[name_column]),
        customers=int(row["customers"]),
        customer_share=float(row["customer_share"]),
        revenue_share=float(row["revenue_share"]),
    )


def movement(data: ReportData) -> Movement | None:
    """Moves between the last two as-of dates, from segment_transitions."""
    flows = data.transitions
    if flows is None or flows.empty:
        return None
    known = flows[
        (flows["from_segment_name"] != NEW) & (flows["to_segment_name"] != GONE)
    ]
    moved = known[known["from_segment_name"] != known["to_segment_name"]]
    largest = moved.sort_values(
        ["customers", "from_segment_name", "to_segment_name"],
        ascending=[False, True, True],
    ).head(1)
    sizes_before = flows.groupby("from_segment_name")["customers"].sum()
    sizes_after = flows.groupby("to_segment_name")["customers"].sum()
    segments = sorted((set(sizes_before.index) | set(sizes_after.index)) - {NEW, GONE})
    growth = pd.Series(
        {s: sizes_after.get(s, 0) - sizes_before.get(s, 0) for s in segments},
        dtype="int64",
    )
    grew_most = growth.idxmax() if len(growth) and growth.max() > 0 else None
    return Movement(
        previous_date=pd.Timestamp(flows["from_as_of_date"].iloc[0]).date(),
        current_date=pd.Timestamp(flows["to_as_of_date"].iloc[0]).date(),
        stayed_customers=int(known["customers"].sum()),
        changed=int(moved["customers"].sum()),
        new_customers=int(
            flows.loc[flows["from_segment_name"] == NEW, "customers"].sum()
        ),
        largest_from=None
        if largest.empty
        else str(largest["from_segment_name"].iloc[0]),
        largest_to=None if largest.empty else str(largest["to_segment_name"].iloc[0]),
        largest_customers=0 if largest.empty else int(largest["customers"].iloc[0]),
        grew_most=grew_most,
        grew_by=int(growth.max()) if grew_most else 0,
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


def segment_flows(data: ReportData, segment: str) -> dict[str, int] | None:
    """For one segment at the earlier date: how many customers stayed,
    moved to a better-ranked segment, moved to a worse one (by segment_rank
    of segment_summary), and the total."""
    flows, summary = data.transitions, data.segment_summary
    if flows is None or flows.empty or summary is None:
        return None
    rank = dict(zip(summary["segment_name"], summary["segment_rank"], strict=True))
    out = flows[flows["from_segment_name"] == segment]
    total = int(out["customers"].sum())
    if total == 0:
        return None
    stayed = int(out.loc[out["to_segment_name"] == segment, "customers"].sum())
    target_rank = out["to_segment_name"].map(rank)
    up = int(out.loc[target_rank < rank.get(segment, math.inf), "customers"].sum())
    down = int(out.loc[target_rank > rank.get(segment, -math.inf), "customers"].sum())
    return {"total": total, "stayed": stayed, "up": up, "down": down}
