"""Expectations on each segment's share of customers.

A scoring or rule-map bug tends to pile customers into one segment or empty
another while every row still looks valid; share bounds catch that. The
shares are computed first (segment_shares), one range check per segment.
"""

from __future__ import annotations

from typing import Any

from segmentation.audit.bounds import AuditBounds
from segmentation.audit.candidate import CandidateData
from segmentation.audit.expect import expect
from segmentation.audit.gx_import import Column, gxe


def segment_shares_suite(data: CandidateData, bounds: AuditBounds) -> list[Any]:
    """One check per segment of segment_definitions, with its bounds."""
    unknown = sorted(set(bounds.segment_shares) - set(data.segment_names))
    if unknown:
        raise ValueError(
            f"segment_shares names segments not in segment_definitions: {unknown}"
        )
    checks = []
    for name in data.segment_names:
        low, high = bounds.share_bounds(name)
        checks.append(
            expect(
                gxe.ExpectColumnValuesToBeBetween,
                table="customer_segments",
                column="customer_share",
                reported_column="segment_name",
                min_value=low,
                max_value=high,
                row_condition=Column("segment_name") == name,
                check=f"share of segment {name!r}",
                expected=f"{low:g}..{high:g}",
                description=f"Share of customers in segment {name!r} "
                f"is {low:g}..{high:g}",
            )
        )
    return checks
