"""RFM scores in polars, with the definitions of rfm_duckdb_floor.py (see
there), for the benchmark (python scripts/bench/rfm_polars.py LINES.parquet
SCORES.parquet).

Amounts are summed exactly as integers of 1/10,000 (the project's decimals
have 4 places) and divided once, so monetary equals the project's
decimal-then-double figure bit for bit and equal totals stay ties.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import polars as pl

KEY_COLUMNS = [
    "customer_id",
    "order_id",
    "product_id",
    "country",
    "ordered_at",
    "quantity",
    "unit_price",
]
BUCKETS = 5
MIN_ORDER_TIME = dt.datetime(1990, 1, 1)


def ntile_score(position: pl.Expr, n: int) -> pl.Expr:
    """NTILE bucket (1-based) of a 0-based position among n rows: the first
    n mod 5 buckets hold one row more than the others."""
    small, large = divmod(n, BUCKETS)
    split = large * (small + 1)
    if small == 0:
        return position + 1
    return (
        pl.when(position < split)
        .then(position // (small + 1))
        .otherwise(large + (position - split) // small)
        + 1
    )


def rfm_scores_polars(lines_path: Path) -> pl.DataFrame:
    """One row per scored customer: customer_id, recency_days, frequency,
    monetary, r_score, f_score, m_score."""
    raw = (
        pl.scan_parquet(lines_path)
        .select(KEY_COLUMNS)
        .with_columns(pl.col("customer_id").str.strip_chars().replace("", None))
    )
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    latest = (
        raw.filter(pl.col("ordered_at").is_between(MIN_ORDER_TIME, now))
        .select(pl.col("ordered_at").max())
        .collect()
        .item()
    )
    as_of = latest.date() + dt.timedelta(days=1)
    amount = (pl.col("quantity") * pl.col("unit_price")).abs()
    lines = (
        raw.filter(pl.struct(KEY_COLUMNS).is_first_distinct())
        .filter(
            pl.col("customer_id").is_not_null()
            & pl.col("order_id").is_not_null()
            & (pl.col("ordered_at") >= MIN_ORDER_TIME)
            & (pl.col("ordered_at") < pl.lit(as_of).cast(pl.Datetime("us")))
            & (pl.col("quantity") != 0)
            & (pl.col("unit_price") > 0)
            & (amount < 1e12)
        )
        .with_columns(
            is_return=(pl.col("quantity") < 0)
            | pl.col("order_id").str.starts_with("C"),
            units=(amount * 10_000).round().cast(pl.Int64),
        )
        .with_columns(
            units=pl.when(pl.col("is_return"))
            .then(-pl.col("units"))
            .otherwise(pl.col("units"))
        )
    )
    orders = lines.group_by("customer_id", "order_id").agg(
        is_purchase=(~pl.col("is_return")).any(),
        units=pl.col("units").sum(),
        last_purchase_at=pl.col("ordered_at").filter(~pl.col("is_return")).max(),
    )
    customers = (
        orders.group_by("customer_id")
        .agg(
            frequency=pl.col("is_purchase").sum().cast(pl.Int64),
            units=pl.col("units").sum(),
            last_purchase_at=pl.col("last_purchase_at").max(),
        )
        .filter(pl.col("frequency") > 0)
        .with_columns(
            recency_days=(
                pl.lit(as_of) - pl.col("last_purchase_at").dt.date()
            ).dt.total_days(),
        )
        .collect()
    )
    # numpy divides each value (correctly rounded); polars multiplies by the
    # reciprocal, which is off by one bit for some totals.
    customers = customers.with_columns(
        monetary=pl.Series(customers["units"].to_numpy() / 10_000)
    )
    n = customers.height
    positions = {
        "r_score": pl.col("recency_days").rank("min", descending=True) - 1,
        "f_score": pl.col("frequency").rank("min") - 1,
        "m_score": pl.col("monetary").rank("min") - 1,
    }
    return customers.select(
        "customer_id",
        "recency_days",
        "frequency",
        "monetary",
        *(
            ntile_score(position.cast(pl.Int64), n).alias(name)
            for name, position in positions.items()
        ),
    ).sort("customer_id")


if __name__ == "__main__":
    rfm_scores_polars(Path(sys.argv[1])).write_parquet(sys.argv[2])
