"""Share of customers per segment, computed in pandas before GX sees it.

GX has no expectation for "this value's share of the rows"; a small frame
with one row per segment turns the check into a plain range check per row.
"""

from __future__ import annotations

import pandas as pd


def segment_shares(customers: pd.DataFrame, segment_names: list[str]) -> pd.DataFrame:
    """One row per defined segment (empty ones at share 0, so a minimum share
    can catch a segment that vanished) and per undefined name that occurs.
    Customers with no segment name are left out: a not-null check reports
    them."""
    counts = customers["segment_name"].dropna().value_counts()
    names = list(segment_names) + sorted(set(counts.index) - set(segment_names))
    frame = pd.DataFrame({"segment_name": pd.Series(names, dtype=object)})
    frame["customers"] = [int(counts.get(name, 0)) for name in names]
    total = len(customers)
    frame["customer_share"] = frame["customers"] / total if total else 0.0
    return frame
