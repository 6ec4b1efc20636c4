"""Small candidate DuckDB files for the audit tests, written by hand.

The tables have the names and column types dbt gives them (checked against a
real build) but only a few dozen consistent rows, so each test can break one
thing and see the audit name it. Built without dbt: a dbt build costs
minutes, and the real warehouse is not part of a fresh clone.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb

SEGMENTS = ["Champions", "Loyal", "Can't Lose Them", "At Risk", "Lost"]
CUSTOMERS = 40

SCHEMA_SQL = """
create table segment_definitions (
    segment_name varchar, segment_rank integer,
    description varchar, recommended_action varchar
);
create table int_as_of_dates_resolved (
    as_of_date date, window_start_date date, is_as_of_date_from_var boolean,
    first_order_at timestamp, last_order_at timestamp
);
create table int_orders_aggregated (
    customer_id varchar, order_id varchar, order_lines bigint,
    purchase_lines bigint, return_lines bigint,
    gross_revenue decimal(38, 4), returned_amount decimal(38, 4),
    net_revenue decimal(38, 4), is_purchase boolean, first_line_at timestamp,
    first_purchase_at timestamp, last_purchase_at timestamp
);
create table quarantined_order_lines (
    order_line_id bigint, source_name varchar, quarantine_reason varchar,
    customer_id varchar, order_id varchar, product_id varchar, country varchar,
    currency varchar, ordered_at_text varchar, quantity_text varchar,
    unit_price_text varchar, source_line_number bigint,
    duplicate_of_order_line_id bigint, quantity double, unit_price double,
    line_amount double, is_return boolean, ordered_at timestamp
);
"""

# Customer i (1..40) buys i % 3 + 1 orders of 10.25 * i each, three lines per
# order; every fourth customer also returns 5.50 in one order. Customer x999
# only returned goods: among the clean lines, yet not scored.
ORDERS_SQL = """
insert into int_orders_aggregated
select
    printf('c%03d', i), printf('o%03d-%d', i, k), 3, 3, 0,
    10.25 * i, 0, 10.25 * i, true,
    timestamp '2023-01-01' + to_days(cast(i * 7 + k as integer)),
    timestamp '2023-01-01' + to_days(cast(i * 7 + k as integer)),
    timestamp '2023-01-01' + to_days(cast(i * 7 + k as integer))
from range(1, 41) as c(i), range(0, 3) as n(k)
where k <= i % 3;
insert into int_orders_aggregated
select
    printf('c%03d', i), printf('C%03d', i), 1, 0, 1, 0, 5.50, -5.50, false,
    timestamp '2023-12-01', null, null
from range(4, 41, 4) as c(i);
insert into int_orders_aggregated values (
    'x999', 'C999', 2, 0, 2, 0, 8.00, -8.00, false,
    timestamp '2023-11-01', null, null
);
"""

CUSTOMER_SEGMENTS_SQL = """
create table customer_segments as
with per_customer as (
    select
        customer_id,
        cast(sum(case when is_purchase then 1 else 0 end) as bigint) as frequency,
        cast(sum(net_revenue) as double) as monetary,
        cast(sum(gross_revenue) as double) as gross_revenue,
        cast(sum(returned_amount) as double) as returned_amount,
        cast(min(first_purchase_at) as date) as first_order_date,
        cast(max(last_purchase_at) as date) as last_order_date
    from int_orders_aggregated
    group by customer_id
    having bool_or(is_purchase)
),
scored as (
    select
        *,
        ntile(5) over (order by last_order_date, customer_id) as r_score,
        ntile(5) over (order by frequency, customer_id) as f_score,
        ntile(5) over (order by monetary, customer_id) as m_score,
        cast(substr(customer_id, 2) as integer) as n
    from per_customer
)
select
    customer_id,
    segment_definitions.segment_name,
    concat(r_score, f_score, m_score) as rfm_cell,
    segment_definitions.segment_rank,
    r_score, f_score, m_score,
    cast((f_score + m_score) // 2 as integer) as fm_score,
    cast(date '2024-01-01' - last_order_date as bigint) as recency_days,
    frequency,
    frequency - 1 as repeat_frequency,
    monetary, gross_revenue, returned_amount,
    monetary / frequency as average_order_value,
    cast(date '2024-01-01' - first_order_date as bigint) as tenure_days,
    first_order_date, last_order_date,
    date '2024-01-01' as as_of_date,
    cast(null as integer) as cluster_id,
    cast(null as varchar) as cluster_name
from scored
inner join segment_definitions
    on segment_definitions.segment_rank = n % 5 + 1
"""

RECONCILIATION_SQL = """
create table order_line_reconciliation as
with counts as (
    select 'demo' as source_name, 'clean' as outcome,
        (select sum(order_lines) from int_orders_aggregated) as order_lines
    union all
    select source_name, quarantine_reason, count(*)
    from quarantined_order_lines
    group by source_name, quarantine_reason
)
select
    source_name, outcome, cast(order_lines as bigint) as order_lines,
    order_lines * 1.0 / sum(order_lines) over (partition by source_name)
        as line_share
from counts
"""


def write_good_candidate(path: Path) -> Path:
    """A candidate every check of the audit passes."""
    with duckdb.connect(str(path)) as con:
        con.execute(SCHEMA_SQL)
        con.executemany(
            "insert into segment_definitions values (?, ?, 'about them', 'act')",
            [(name, rank) for rank, name in enumerate(SEGMENTS, start=1)],
        )
        con.execute(
            "insert into int_as_of_dates_resolved values (date '2024-01-01', null,"
            " false, timestamp '2023-01-01', timestamp '2023-12-01')"
        )
        con.execute(ORDERS_SQL)
        con.execute(
            "insert into quarantined_order_lines (order_line_id, source_name,"
            " quarantine_reason) select i, 'demo', case when i < 5 then"
            " 'missing_customer_id' else 'duplicate_line' end from range(7) t(i)"
        )
        con.execute(CUSTOMER_SEGMENTS_SQL)
        con.execute(RECONCILIATION_SQL)
    return path


def write_broken_candidate(good: Path, path: Path, *statements: str) -> Path:
    """A copy of the good candidate with the given SQL applied to it."""
    shutil.copyfile(good, path)
    with duckdb.connect(str(path)) as con:
        for statement in statements:
            con.execute(statement)
    return path


def failed_checks(failures: list[str]) -> set[str]:
    """'table.column: check' of each failure line, without the figures."""
    return {line.split(" failed (")[0] for line in failures}
