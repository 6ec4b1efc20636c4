"""Expectations on customer_segments, the mart dashboards and CRM read.

The expected row count and revenue come from int_orders_aggregated (the clean
order lines, per order), so a join that drops or repeats customers, or a
revenue sum that loses returns, shows up here even when each table looks
plausible on its own.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from segmentation.audit.bounds import AuditBounds
from segmentation.audit.candidate import CandidateData
from segmentation.audit.expect import expect
from segmentation.audit.gx_import import gxe

TABLE = "customer_segments"
SCORE_COLUMNS = ("r_score", "f_score", "m_score")


def customer_segments_suite(data: CandidateData, bounds: AuditBounds) -> list[Any]:
    """Row count, keys, scores, segment names and the monetary total."""
    on_table = partial(expect, table=TABLE)
    ref = data.reference
    top = bounds.score_buckets
    tolerance = bounds.monetary_tolerance
    checks = [
        on_table(
            gxe.ExpectTableRowCountToEqual,
            value=ref.customers,
            check="row count = scored customers in the orders",
            expected=f"{ref.customers} rows",
            description="One row per customer with a purchase among the clean "
            "order lines (int_orders_aggregated, in the window)",
        ),
        on_table(
            gxe.ExpectColumnValuesToNotBeNull,
            column="customer_id",
            check="key not null",
            expected="no nulls",
            description="Every customer has an id",
        ),
        on_table(
            gxe.ExpectColumnValuesToBeUnique,
            column="customer_id",
            check="key unique",
            expected="no duplicates",
            description="One row per customer",
        ),
    ]
    for column in SCORE_COLUMNS:
        checks += [
            on_table(
                gxe.ExpectColumnValuesToNotBeNull,
                column=column,
                check="score not null",
                expected="no nulls",
                description=f"Every customer has a {column}",
            ),
            on_table(
                gxe.ExpectColumnValuesToBeBetween,
                column=column,
                min_value=1,
                max_value=top,
                check="score in range",
                expected=f"1..{top}",
                description=f"{column} is a score from 1 to {top}",
            ),
        ]
    return [
        *checks,
        on_table(
            gxe.ExpectColumnValuesToNotBeNull,
            column="segment_name",
            check="segment not null",
            expected="no nulls",
            description="Every customer has a segment",
        ),
        on_table(
            gxe.ExpectColumnValuesToBeInSet,
            column="segment_name",
            value_set=list(data.segment_names),
            check="segment defined",
            expected="a name in segment_definitions",
            description="Segment names come from the seed segment_definitions",
        ),
        on_table(
            gxe.ExpectColumnSumToBeBetween,
            column="monetary",
            min_value=ref.monetary - tolerance,
            max_value=ref.monetary + tolerance,
            check="monetary total = clean order revenue",
            expected=f"{ref.monetary:.4f} ± {tolerance}",
            description="Customers' monetary adds up to the net revenue "
            "(purchases minus returns) of the clean orders they are scored on",
        ),
    ]
