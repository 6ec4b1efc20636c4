"""RFM scores in one hand-written DuckDB query: the floor the benchmark
measures the project against (python scripts/bench/rfm_duckdb_floor.py
LINES.parquet SCORES.parquet).

The project's definitions on order lines with the columns customer_id,
order_id, ordered_at, product_id, quantity, unit_price, country (the
generator's, segmentation_dev.datagen):

* as-of date: the day after the latest order time on or after 1990-01-01
  (var min_order_date) and not in the future;
* a line counts when its customer id is not blank, it has an order id, a
  time before the as-of date, a non-zero quantity, a positive price and an
  amount under 1e12, and it is not an exact repeat of an earlier line (all
  seven columns, the customer id trimmed; one copy counts). Repeats are
  found as the project does: a hash of the line first, then the exact
  columns among the few lines whose hash repeats;
* a return: order id starting with 'C' or a negative quantity; its amount,
  |quantity x price| rounded to 4 places, counts negative;
* per customer with a purchase order: recency = days from the day of the
  last purchase line to the as-of date, frequency = orders with a purchase
  line, monetary = the exact decimal sum of the amounts, as a double;
* scores 1..5 = NTILE(5) with equal values sharing the lowest bucket among
  them (var rfm_tie_policy 'value'): from the rank of the value and the
  NTILE rule that the first n mod 5 buckets hold one row more.
"""

from __future__ import annotations

import sys
from pathlib import Path

import duckdb

QUERY = """
copy (
    with

    input_lines as (
        select
            nullif(trim(customer_id), '') as customer_id,
            order_id,
            product_id,
            country,
            ordered_at,
            quantity,
            unit_price
        from read_parquet($path)
    ),

    raw_lines as (
        select
            *,
            hash(
                customer_id, order_id, product_id, country, ordered_at,
                quantity, unit_price
            ) as line_hash
        from input_lines
    ),

    as_of as (
        select cast(max(ordered_at) as date) + 1 as as_of_date
        from raw_lines
        where
            ordered_at >= timestamp '1990-01-01'
            and ordered_at <= cast(now() as timestamp)
    ),

    repeated_hashes as (
        select line_hash from raw_lines group by line_hash having count(*) > 1
    ),

    lines as (
        select * exclude (line_hash)
        from raw_lines
        anti join repeated_hashes using (line_hash)

        union all

        select distinct * exclude (line_hash)
        from raw_lines
        semi join repeated_hashes using (line_hash)
    ),

    usable as (
        select
            lines.customer_id,
            lines.order_id,
            lines.ordered_at,
            lines.quantity < 0 or starts_with(lines.order_id, 'C') as is_return,
            cast(round(abs(lines.quantity * lines.unit_price), 4)
                as decimal(18, 4)) as amount
        from lines, as_of
        where
            lines.customer_id is not null
            and lines.order_id is not null
            and lines.ordered_at >= timestamp '1990-01-01'
            and lines.ordered_at < as_of.as_of_date
            and lines.quantity <> 0
            and lines.unit_price > 0
            and abs(lines.quantity * lines.unit_price) < 1e12
    ),

    orders as (
        select
            customer_id,
            bool_or(not is_return) as is_purchase,
            sum(case when is_return then -amount else amount end) as net,
            max(ordered_at) filter (where not is_return) as last_purchase_at
        from usable
        group by customer_id, order_id
    ),

    customers as (
        select
            customers.customer_id,
            as_of.as_of_date - cast(customers.last_purchase_at as date)
                as recency_days,
            customers.frequency,
            customers.monetary
        from (
            select
                customer_id,
                count(*) filter (where is_purchase) as frequency,
                cast(sum(net) as double) as monetary,
                max(last_purchase_at) as last_purchase_at
            from orders
            group by customer_id
        ) as customers, as_of
        where customers.frequency > 0
    ),

    positioned as (
        select
            *,
            count(*) over () as n,
            rank() over (order by recency_days desc) - 1 as r_pos,
            rank() over (order by frequency) - 1 as f_pos,
            rank() over (order by monetary) - 1 as m_pos
        from customers
    ),

    sized as (
        select *, n // 5 as small, n % 5 as large from positioned
    )

    select
        customer_id,
        recency_days,
        frequency,
        monetary,
        case when r_pos < large * (small + 1) then r_pos // (small + 1)
            else large + (r_pos - large * (small + 1)) // small end + 1
            as r_score,
        case when f_pos < large * (small + 1) then f_pos // (small + 1)
            else large + (f_pos - large * (small + 1)) // small end + 1
            as f_score,
        case when m_pos < large * (small + 1) then m_pos // (small + 1)
            else large + (m_pos - large * (small + 1)) // small end + 1
            as m_score
    from sized
) to '{out}' (format parquet)
"""


def rfm_scores_duckdb(lines_path: Path, out_path: Path) -> None:
    """Write one row per scored customer (customer_id, recency_days,
    frequency, monetary, r_score, f_score, m_score) to `out_path`."""
    out = str(out_path).replace("'", "''")
    with duckdb.connect() as con:
        con.execute(QUERY.format(out=out), {"path": str(lines_path)})


if __name__ == "__main__":
    rfm_scores_duckdb(Path(sys.argv[1]), Path(sys.argv[2]))
