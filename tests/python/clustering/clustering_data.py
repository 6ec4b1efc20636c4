"""Constants shared by the clustering tests (paths, feature specs, settings)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pandas as pd

# The copies shipped in the repository (data/), so the tests need nothing else.
DATA = Path(__file__).resolve().parents[3] / "data"
RETAIL = DATA / "online_retail_2010_2011.parquet"
MARKETING = DATA / "marketing_campaign.csv"

RETAIL_SPEC = [
    {"name": "recency_days", "transform": "log1p"},
    {"name": "frequency", "transform": "log1p"},
    {"name": "monetary", "transform": "signed_log1p"},
    {"name": "average_order_value", "transform": "signed_log1p"},
    {"name": "tenure_days"},
]

MARKETING_SPEC = [
    {"name": "Recency", "role": "recency", "direction": "lower_is_better"},
    {"name": "purchases", "transform": "log1p", "role": "frequency"},
    {"name": "spend", "transform": "log1p", "role": "monetary"},
    {"name": "Income", "transform": "auto"},
    {"name": "web_visits"},
]

RETAIL_SQL = f"""
with lines as (
    select
        cast(cast(CustomerID as bigint) as varchar) as customer_id,
        InvoiceNo as invoice,
        strptime(InvoiceDate, '%Y-%m-%d %H:%M:%S') as ts,
        Quantity * UnitPrice as amount
    from read_parquet('{RETAIL}')
    where CustomerID is not null and not starts_with(InvoiceNo, 'C')
),
snapshot as (select max(ts) + interval 1 day as snapshot_ts from lines)
select
    customer_id,
    date_diff('day', max(ts), (select snapshot_ts from snapshot)) as recency_days,
    count(distinct invoice) as frequency,
    sum(amount) as monetary,
    sum(amount) / count(distinct invoice) as average_order_value,
    date_diff('day', min(ts), (select snapshot_ts from snapshot)) as tenure_days
from lines
group by customer_id
order by customer_id
"""


#: Small, fast settings for pipeline runs in tests (the defaults are for big data).
FAST = {
    "k_range": [2, 7],
    "n_init": 4,
    "n_bootstrap": 3,
    "bootstrap_n_init": 2,
    "compare_k": [3, 4],
}


def cdnow_master() -> Path:
    """CDNOW_master.txt as the lifetimes package ships it (23,570 customers of
    an online CD shop, 1997-1998: id, date YYYYMMDD, CDs, dollars per line).
    Located without importing lifetimes, which needs nothing of it here."""
    spec = importlib.util.find_spec("lifetimes")
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError("package lifetimes (requirements.lock) is missing")
    return Path(spec.submodule_search_locations[0]) / "datasets" / "CDNOW_master.txt"


def cdnow_lines() -> pd.DataFrame:
    """The purchase lines of CDNOW_master.txt: customer_id (text, leading zeros
    kept), ordered_on (date), cds, amount (dollars)."""
    lines = pd.read_csv(
        cdnow_master(),
        sep=r"\s+",
        skiprows=1,
        names=["customer_id", "ordered_on", "cds", "amount"],
        dtype={"customer_id": str, "ordered_on": str},
    )
    lines["ordered_on"] = pd.to_datetime(lines["ordered_on"], format="%Y%m%d")
    return lines


def cdnow_rfm() -> pd.DataFrame:
    """One row per CDNOW customer with the RFM features of the demo's spec,
    every purchase line an order, as of the day after the last purchase."""
    lines = cdnow_lines()
    as_of = lines["ordered_on"].max() + pd.Timedelta(days=1)
    per = lines.groupby("customer_id").agg(
        first=("ordered_on", "min"),
        last=("ordered_on", "max"),
        frequency=("amount", "size"),
        monetary=("amount", "sum"),
    )
    return pd.DataFrame(
        {
            "customer_id": per.index,
            "recency_days": (as_of - per["last"]).dt.days.to_numpy(),
            "frequency": per["frequency"].to_numpy(),
            "monetary": per["monetary"].to_numpy(),
            "average_order_value": (per["monetary"] / per["frequency"]).to_numpy(),
            "tenure_days": (as_of - per["first"]).dt.days.to_numpy(),
        }
    )
