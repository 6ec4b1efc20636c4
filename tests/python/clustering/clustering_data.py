"""Constants shared by the clustering tests (paths, feature specs, settings)."""

from __future__ import annotations

from pathlib import Path

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

# The retail customers as a build on $as_of sees them (null: the day after
# the last order, which sees every line).
RETAIL_SQL = f"""
with lines as (
    select
        cast(cast(CustomerID as bigint) as varchar) as customer_id,
        InvoiceNo as invoice,
        strptime(InvoiceDate, '%Y-%m-%d %H:%M:%S') as ordered_at,
        Quantity * UnitPrice as amount
    from read_parquet('{RETAIL}')
    where CustomerID is not null and not starts_with(InvoiceNo, 'C')
),
snapshot as (
    select coalesce(
        cast($as_of as timestamp), max(ordered_at) + interval 1 day
    ) as as_of
    from lines
)
select
    customer_id,
    date_diff('day', max(ordered_at), any_value(snapshot.as_of)) as recency_days,
    count(distinct invoice) as frequency,
    sum(amount) as monetary,
    sum(amount) / count(distinct invoice) as average_order_value,
    date_diff('day', min(ordered_at), any_value(snapshot.as_of)) as tenure_days
from lines
cross join snapshot
where ordered_at < snapshot.as_of
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
