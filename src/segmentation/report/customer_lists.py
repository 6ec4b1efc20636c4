"""The customer lists a reader downloads from a segment's or a cluster's
profile: customer ids and key figures, never a contact (e-mail addresses
and phone numbers stay in the warehouse, and leave it only hashed, through
the audience exports).

The page carries the rows as columns (one JSON array per column; names
coded once, dates as day numbers, to keep the file small), ordered by net
revenue, and the script writes the CSV of one group when asked.
A group larger than `limit` keeps its `limit` customers with the highest
revenue; the profile says how many were left out and where the full list
is.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from segmentation.report.data import RFM_COLUMNS, no_rows

DEFAULT_LIMIT = 10_000  # customers per downloadable list; see docs/report.md
# Columns that could reach a person: never written into the page, even if a
# future mart carried them.
CONTACT_WORDS = (
    "email",
    "e_mail",
    "phone",
    "mobile",
    "address",
    "postcode",
    "zip_code",
    "first_name",
    "last_name",
    "full_name",
)
# Written as day numbers in the page.
DATE_COLUMNS = ("first_order_date", "last_order_date")
LIST_COLUMNS = (
    "customer_id",
    "segment_name",
    "cluster_name",
    "sub_cluster_name",
    *RFM_COLUMNS,
    *DATE_COLUMNS,
    "is_outlier",
    "p_alive",
    "expected_purchases",
    "predicted_clv",
    "value_decile",
)
DECIMALS = {
    "monetary": 2,
    "average_order_value": 2,
    "predicted_clv": 2,
    "expected_purchases": 3,
    "p_alive": 4,
}


class ContactColumnError(ValueError):
    """A column that looks like contact data was about to be listed."""


@dataclass(frozen=True)
class Group:
    """One downloadable list: its key in the page and its sizes."""

    key: str  # "segment:<name>" or "cluster:<id>"
    total: int
    listed: int


def list_columns(rows: pd.DataFrame, features: list[str]) -> list[str]:
    """The columns of `rows` a list carries: ids, segment and cluster, and
    the key figures (the clustering features of a customer table)."""
    wanted = [c for c in LIST_COLUMNS if c in rows.columns]
    wanted += [f for f in features if f in rows.columns and f not in wanted]
    for column in wanted:
        if column != "customer_id" and any(w in column for w in CONTACT_WORDS):
            raise ContactColumnError(
                f"column {column!r} looks like contact data; customer lists in "
                "the report carry ids and figures only"
            )
    return wanted


def _plain(value: object, decimals: int | None) -> object:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, float):
        if decimals is not None:
            return round(value, decimals)
        return int(value) if value.is_integer() else round(value, 6)
    if hasattr(value, "isoformat"):
        return value.isoformat()[:10]
    return value


def customer_lists(
    rows: pd.DataFrame | None,
    features: list[str],
    group_columns: dict[str, str],
    names: dict[str, dict[object, str]],
    limit: int = DEFAULT_LIMIT,
) -> tuple[dict | None, dict[str, Group]]:
    """The page's customer table and its groups.

    `rows` is one row per customer, ordered by revenue (highest first);
    `group_columns` maps a group kind ("segment", "cluster") to the column
    that holds it; `names` maps a column to {published value: shown text},
    so the lists use the report's language. Returns (table for the page,
    {group key: Group})."""
    if no_rows(rows):
        return None, {}
    keep = np.zeros(len(rows), dtype=bool)
    groups: dict[str, Group] = {}
    for kind, column in group_columns.items():
        if column not in rows.columns:
            continue
        rank_in_group = rows.groupby(column, sort=False).cumcount().to_numpy()
        keep |= (rank_in_group < limit) & rows[column].notna().to_numpy()
        sizes = rows[column].value_counts()
        for value, total in sizes.items():
            groups[f"{kind}:{value}"] = Group(
                key=f"{kind}:{value}", total=int(total), listed=min(int(total), limit)
            )
    kept = rows[keep]
    columns = list_columns(kept, features)
    table = {"columns": columns, "values": {}, "labels": {}, "dates": [], "groups": {}}
    for column in columns:
        decimals = DECIMALS.get(column)
        series = kept[column]
        if column in names:
            series = series.map(lambda v, c=column: names[c].get(v, v))
        values = [_plain(v, decimals) for v in series.tolist()]
        if column in names:
            table["labels"][column], table["values"][column] = _coded(values)
        elif column in DATE_COLUMNS:
            table["dates"].append(column)
            table["values"][column] = [_day_number(v) for v in values]
        else:
            table["values"][column] = values
    for kind, column in group_columns.items():
        if column in kept.columns:
            labels, codes = _coded([_plain(v, None) for v in kept[column].tolist()])
            table["groups"][kind] = {"labels": labels, "codes": codes}
    return table, groups


EPOCH = dt.date(1970, 1, 1)


def _coded(values: list) -> tuple[list, list[int | None]]:
    """Repeated texts once: (labels, each value's index in labels)."""
    labels: dict[object, int] = {}
    codes = [None if v is None else labels.setdefault(v, len(labels)) for v in values]
    return list(labels), codes


def _day_number(value: object) -> int | None:
    """An ISO date as days since 1970-01-01 (the script writes it back)."""
    if value is None:
        return None
    return (dt.date.fromisoformat(str(value)[:10]) - EPOCH).days
