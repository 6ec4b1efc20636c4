"""RFM scores in plain pandas, the way the notebooks this project replaces did it.

The benchmark compares this with the dbt/DuckDB models for speed, memory and
results, so it computes exactly the definitions the models implement:

Input: order lines with the columns customer_id, order_id, ordered_at,
product_id, quantity, unit_price, country (a Parquet or CSV path, or a
DataFrame).

* ``as_of_date`` (a date): given, or the day after the date of the latest
  non-null ``ordered_at`` of the input (all lines, usable or not).
* A line is usable when customer_id is not null and not empty after trimming
  blanks, quantity != 0, unit_price > 0, ordered_at is not null and
  ordered_at < as_of_date (midnight), and it is not an exact duplicate of an
  earlier line (all seven columns equal: one copy is kept).
* A line is a return when order_id starts with ``'C'`` or quantity < 0.
  ``line_amount = abs(quantity * unit_price)``, negated for returns.
* Per customer with at least one usable purchase (non-return) line:
  ``recency_days = as_of_date - max(date(ordered_at))`` over purchase lines,
  ``frequency`` = number of distinct order_id over purchase lines,
  ``monetary = round(sum(line_amount), 6)`` over all usable lines (purchases
  and returns). Customers with only returns are not scored.
* Scores 1..5 like SQL ``ntile(5) over (order by <value> <dir>, customer_id)``:
  r by recency_days descending (most recent get 5), f by frequency ascending,
  m by monetary ascending, ties broken by customer_id ascending. With
  ``tie_policy="value"`` equal values share the lowest bucket among them; with
  ``tie_policy="row"`` the raw NTILE bucket is kept.

Why monetary is rounded to 6 decimals: a sum of doubles depends on the order
of the additions, and pandas (compensated, row order) and DuckDB (parallel,
thread order) add in different orders, so unrounded sums differ in the last
bits for most customers and equal totals stop being ties. Prices have at most
three decimals (UCI; two in synthetic data), so rounding to 6 decimals gives
the exact total in every implementation. The SQL side must do the same
(``round(sum(line_amount), 6)``) for the scores to match.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd

from segmentation_dev.datagen import COLUMNS as ORDER_LINE_COLUMNS

COLUMNS = list(ORDER_LINE_COLUMNS)

RESULT_COLUMNS = [
    "customer_id",
    "recency_days",
    "frequency",
    "monetary",
    "r_score",
    "f_score",
    "m_score",
]
MONETARY_DECIMALS = 6
N_BUCKETS = 5


def load_lines(path_or_df: str | Path | pd.DataFrame) -> pd.DataFrame:
    """Read order lines (Parquet or CSV by extension) or take a DataFrame."""
    if isinstance(path_or_df, pd.DataFrame):
        return path_or_df[COLUMNS]
    path = Path(path_or_df)
    if path.suffix.lower() == ".csv":
        return pd.read_csv(
            path,
            usecols=COLUMNS,
            dtype={
                "customer_id": "str",
                "order_id": "str",
                "product_id": "str",
                "country": "str",
            },
            parse_dates=["ordered_at"],
        )[COLUMNS]
    return pd.read_parquet(path, columns=COLUMNS)


def ntile(n: int, buckets: int = N_BUCKETS) -> np.ndarray:
    """SQL NTILE buckets (1-based) for rows 0..n-1 in window order.

    The first ``n % buckets`` buckets get ``n // buckets + 1`` rows, the others
    ``n // buckets`` rows; with fewer rows than buckets every row is its own
    bucket.
    """
    i = np.arange(n)
    size, big = divmod(n, buckets)
    if size == 0:
        return i + 1
    split = big * (size + 1)
    return np.where(i < split, i // (size + 1), big + (i - split) // size) + 1


def _score(
    rfm: pd.DataFrame, column: str, ascending: bool, tie_policy: str
) -> pd.Series:
    ordered = rfm.sort_values(
        [column, "customer_id"], ascending=[ascending, True], kind="mergesort"
    )
    bucket = pd.Series(ntile(len(ordered)), index=ordered.index)
    if tie_policy == "value":
        bucket = bucket.groupby(ordered[column]).transform("min")
    return bucket.reindex(rfm.index).astype("int64")


def _as_date(value) -> dt.date:
    if isinstance(value, str):
        return dt.date.fromisoformat(value[:10])
    if isinstance(value, dt.datetime):  # also pandas.Timestamp
        return value.date()
    if isinstance(value, dt.date):
        return value
    raise TypeError(f"as_of_date must be a date, got {type(value).__name__}")


def rfm_scores_pandas(
    path_or_df: str | Path | pd.DataFrame,
    as_of_date: dt.date | str | None = None,
    tie_policy: str = "value",
) -> pd.DataFrame:
    """RFM values and 1..5 scores per customer, sorted by customer_id."""
    if tie_policy not in ("value", "row"):
        raise ValueError("tie_policy must be 'value' or 'row'")
    df = load_lines(path_or_df)
    df = df.assign(ordered_at=pd.to_datetime(df["ordered_at"]))

    # as-of date: the day after the latest order time in the input.
    if as_of_date is None:
        latest = df["ordered_at"].max()
        if pd.isna(latest):
            return pd.DataFrame(columns=RESULT_COLUMNS)
        as_of = latest.normalize() + pd.Timedelta(days=1)
    else:
        as_of = pd.Timestamp(_as_date(as_of_date))

    # Cleaning.
    customer = df["customer_id"]
    usable = (
        customer.notna()
        & customer.str.strip().ne("")
        & df["quantity"].notna()
        & df["quantity"].ne(0)
        & df["unit_price"].gt(0)
        & df["ordered_at"].notna()
        & df["ordered_at"].lt(as_of)
    )
    lines = df[usable.fillna(False).astype(bool)].drop_duplicates()

    # Line amounts, returns negative.
    is_return = lines["order_id"].str.startswith("C").fillna(False).astype(
        bool
    ) | lines["quantity"].lt(0)
    amount = (lines["quantity"] * lines["unit_price"]).abs()
    lines = lines.assign(
        is_return=is_return,
        line_amount=amount.where(~is_return, -amount),
        order_date=lines["ordered_at"].dt.normalize(),
    )

    purchases = lines[~lines["is_return"]]
    per_customer = purchases.groupby("customer_id", sort=True).agg(
        last_order_date=("order_date", "max"),
        frequency=("order_id", "nunique"),
    )
    monetary = lines.groupby("customer_id")["line_amount"].sum()
    rfm = per_customer.join(monetary.rename("monetary"), how="left").reset_index()
    rfm["recency_days"] = (as_of - rfm["last_order_date"]).dt.days.astype("int64")
    rfm["frequency"] = rfm["frequency"].astype("int64")
    rfm["monetary"] = rfm["monetary"].astype("float64").round(MONETARY_DECIMALS)

    # Scores.
    rfm["r_score"] = _score(rfm, "recency_days", False, tie_policy)
    rfm["f_score"] = _score(rfm, "frequency", True, tie_policy)
    rfm["m_score"] = _score(rfm, "monetary", True, tie_policy)
    return rfm[RESULT_COLUMNS].sort_values("customer_id").reset_index(drop=True)
