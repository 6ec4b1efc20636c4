"""Expectations on order_line_reconciliation, where every raw line went.

The reconciliation derives its clean count as raw minus quarantined, so it
always adds up to itself; the audit compares it with the lines counted
independently: the clean lines int_orders_aggregated was built from and the
rows of quarantined_order_lines.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from segmentation.audit.candidate import CandidateData
from segmentation.audit.expect import expect
from segmentation.audit.gx_import import Column, gxe

TABLE = "order_line_reconciliation"


def reconciliation_suite(data: CandidateData) -> list[Any]:
    """Raw = clean + quarantined, and each part matches its own table."""
    line_sum = partial(
        expect, gxe.ExpectColumnSumToBeBetween, table=TABLE, column="order_lines"
    )
    ref = data.reference
    raw = ref.clean_lines + ref.quarantined_lines + ref.after_as_of_lines
    outcome = Column("outcome")
    return [
        line_sum(
            min_value=raw,
            max_value=raw,
            check="raw = clean + quarantined + after the as-of date",
            expected=f"{raw} lines",
            description="Raw lines = clean lines (int_orders_aggregated) + "
            "quarantined lines (quarantined_order_lines) + lines dated after "
            "the as-of date",
        ),
        line_sum(
            min_value=ref.clean_lines,
            max_value=ref.clean_lines,
            row_condition=outcome == "clean",
            check="clean lines match the orders",
            expected=f"{ref.clean_lines} lines",
            description="Clean lines = the lines int_orders_aggregated counts",
        ),
        line_sum(
            min_value=ref.quarantined_lines,
            max_value=ref.quarantined_lines,
            row_condition=outcome.is_not_in(["clean", "after_as_of_date"]),
            check="quarantined lines match the quarantine",
            expected=f"{ref.quarantined_lines} lines",
            description="Quarantined lines = the rows of quarantined_order_lines",
        ),
    ]
