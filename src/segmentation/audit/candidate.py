"""Read what the audit needs from a candidate DuckDB file, read-only.

Read-only because the candidate may be opened by other readers while it
waits to be published, and an audit must never change what it audits.
Only tables are read: the line-level models (int_order_lines_cleaned and
the staging view) are views over Parquet files named by paths relative to
the project root, so reading them would make the audit depend on the working
directory. int_orders_aggregated is the table dbt builds from exactly the
clean order lines (grouped per order), so the reference figures come from it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd

REQUIRED_TABLES = (
    "customer_segments",
    "segment_definitions",
    "order_line_reconciliation",
    "quarantined_order_lines",
    "int_orders_aggregated",
    "int_as_of_dates_resolved",
)

# Only the columns the suite checks: the frames go through pandas and GX, and
# customer_segments can hold millions of rows.
CUSTOMER_SEGMENTS_SQL = """
    select customer_id, segment_name, r_score, f_score, m_score, monetary
    from customer_segments
"""
RECONCILIATION_SQL = """
    select source_name, outcome, order_lines from order_line_reconciliation
"""
SEGMENT_NAMES_SQL = """
    select segment_name from segment_definitions order by segment_rank, segment_name
"""

# The customers int_customers_rfm_aggregated scores, recomputed from the
# orders: those with at least one purchase order in the window (customers who
# only returned goods are not scored), and their net revenue (purchases minus
# returns) summed exactly before it becomes a double.
REFERENCE_SQL = """
    with
    orders_in_window as (
        select orders.*
        from int_orders_aggregated as orders
        cross join int_as_of_dates_resolved as as_of
        where as_of.window_start_date is null
            or orders.first_line_at >= as_of.window_start_date
    ),
    scored_customers as (
        select customer_id, sum(net_revenue) as monetary
        from orders_in_window
        group by customer_id
        having bool_or(is_purchase)
    )
    select
        (select count(*) from scored_customers) as customers,
        (select cast(coalesce(sum(monetary), 0) as double) from scored_customers)
            as monetary,
        (select coalesce(sum(order_lines), 0) from int_orders_aggregated)
            as clean_lines,
        (select count(*) from quarantined_order_lines) as quarantined_lines,
        (select coalesce(sum(order_lines), 0) from order_line_reconciliation
         where outcome = 'after_as_of_date') as after_as_of_lines
"""


class CandidateError(ValueError):
    """The candidate cannot be audited at all (missing file or tables)."""


@dataclass(frozen=True)
class Reference:
    """Figures computed from the tables upstream of the audited ones."""

    customers: int
    monetary: float
    clean_lines: int
    quarantined_lines: int
    after_as_of_lines: int = 0  # outside the window, neither clean nor bad


@dataclass(frozen=True)
class CandidateData:
    """The frames GX validates and the figures they are compared with."""

    customer_segments: pd.DataFrame
    order_line_reconciliation: pd.DataFrame
    segment_names: list[str]
    reference: Reference


def read_candidate(candidate_db: Path) -> CandidateData:
    """Read the candidate's frames and reference figures in one short
    read-only connection, closed before GX runs (a held connection would
    block the publish step that replaces the file)."""
    if not Path(candidate_db).is_file():
        raise CandidateError(f"candidate database not found: {candidate_db}")
    try:
        con = duckdb.connect(str(candidate_db), read_only=True)
    except duckdb.Error as error:  # e.g. dbt still holds the write lock
        raise CandidateError(f"cannot open {candidate_db} read-only: {error}") from None
    with con:
        _require_tables(con, candidate_db)
        customers = con.sql(CUSTOMER_SEGMENTS_SQL).df()
        reconciliation = con.sql(RECONCILIATION_SQL).df()
        names = con.sql(SEGMENT_NAMES_SQL).df()["segment_name"].tolist()
        row = con.sql(REFERENCE_SQL).df().iloc[0]
    reference = Reference(
        customers=int(row["customers"]),
        monetary=float(row["monetary"]),
        clean_lines=int(row["clean_lines"]),
        quarantined_lines=int(row["quarantined_lines"]),
        after_as_of_lines=int(row["after_as_of_lines"]),
    )
    return CandidateData(customers, reconciliation, names, reference)


def _require_tables(con: duckdb.DuckDBPyConnection, candidate_db: Path) -> None:
    present = set(
        con.sql("select table_name from information_schema.tables")
        .df()["table_name"]
        .tolist()
    )
    missing = [name for name in REQUIRED_TABLES if name not in present]
    if missing:
        raise CandidateError(
            f"{candidate_db} lacks relations the audit reads: {', '.join(missing)}"
        )
