"""Everything the report shows, read from a published DuckDB file through a
read-only connection: the report never touches the build database, and a
publish running at the same time is never blocked by it.

A table the build did not produce (clusters only, history disabled, no
campaign marts) leaves its part of `ReportData` empty; the rendering says
so instead of failing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd


class ReportDataError(Exception):
    """The file cannot be read as a published segmentation file."""


@dataclass
class ReportData:
    """The published figures, each `None` (or empty) when not published."""

    path: Path
    tables: set[str]
    metadata: dict | None = None
    customers: int | None = None
    revenue: float | None = None
    as_of_date: dt.date | None = None
    segment_summary: pd.DataFrame | None = None
    rf_counts: pd.DataFrame | None = None
    monetary_desc: np.ndarray | None = None
    segment_trend: pd.DataFrame | None = None
    trend_dates: tuple[dt.date, dt.date] | None = None
    transitions: pd.DataFrame | None = None
    alerts: pd.DataFrame | None = None
    customers_needing_action: int | None = None
    cluster_profiles: pd.DataFrame | None = None
    cluster_features: pd.DataFrame | None = None
    cluster_selection: pd.DataFrame | None = None
    cluster_comparison: pd.DataFrame | None = None
    cluster_points: pd.DataFrame | None = None
    budget: pd.DataFrame | None = None
    reconciliation: pd.DataFrame | None = None
    notes: list[str] = field(default_factory=list)

    def has(self, *names: str) -> bool:
        return all(name in self.tables for name in names)


# Alerts of customers who can still be won back; 'lost' ones are past the
# point where the playbook spends on them.
ACTION_ALERT_TYPES = ("inactive", "aov_dropped", "moved_down_from_top_segment")

# The per-customer features of the demo configuration that customer_segments
# publishes; the PCA projection uses those the clustering was run on.
PUBLISHED_CUSTOMER_FEATURES = (
    "recency_days",
    "frequency",
    "monetary",
    "average_order_value",
    "tenure_days",
)


def load_report_data(path: Path | str) -> ReportData:
    """Read the published file at `path` (read-only)."""
    path = Path(path)
    if not path.is_file():
        raise ReportDataError(f"{path}: no such file (run `make publish` first)")
    try:
        con = duckdb.connect(str(path), read_only=True)
    except duckdb.Error as error:
        raise ReportDataError(f"{path}: cannot open it read-only: {error}") from error
    with con:
        tables = {
            name
            for (name,) in con.execute(
                "select table_name from duckdb_tables() "
                "where schema_name = 'main' and database_name = current_database()"
            ).fetchall()
        }
        data = ReportData(path=path, tables=tables)
        _load_metadata(con, data)
        _load_segments(con, data)
        _load_history(con, data)
        _load_clusters(con, data)
        _load_campaigns(con, data)
        _load_quality(con, data)
    return data


def _frame(con: duckdb.DuckDBPyConnection, sql: str) -> pd.DataFrame:
    return con.execute(sql).df()


def _load_metadata(con: duckdb.DuckDBPyConnection, data: ReportData) -> None:
    if not data.has("publish_metadata"):
        return
    cursor = con.execute("select * from publish_metadata")
    rows = cursor.fetchall()
    if rows:
        names = [column[0] for column in cursor.description]
        data.metadata = dict(zip(names, rows[0], strict=True))
        data.as_of_date = data.metadata.get("as_of_date")


def _load_segments(con: duckdb.DuckDBPyConnection, data: ReportData) -> None:
    if data.has("segment_summary"):
        data.segment_summary = _frame(
            con, "select * from segment_summary order by segment_rank, segment_name"
        )
    if not data.has("customer_segments"):
        return
    customers, revenue, as_of = con.execute(
        "select count(*), sum(monetary), max(as_of_date) from customer_segments"
    ).fetchall()[0]
    data.customers, data.revenue = customers, revenue
    data.as_of_date = data.as_of_date or as_of
    data.rf_counts = _frame(
        con,
        "select r_score, f_score, count(*) as customers from customer_segments "
        "group by all order by all",
    )
    data.monetary_desc = (
        con.execute("select monetary from customer_segments order by monetary desc")
        .df()["monetary"]
        .to_numpy(dtype=float)
    )


def _load_history(con: duckdb.DuckDBPyConnection, data: ReportData) -> None:
    if data.has("customer_segment_history"):
        dates = [
            d
            for (d,) in con.execute(
                "select distinct as_of_date from customer_segment_history "
                "order by as_of_date desc limit 2"
            ).fetchall()
        ]
        if len(dates) == 2:
            previous, current = dates[1], dates[0]
            data.trend_dates = (previous, current)
            data.segment_trend = con.execute(
                """
                select
                    segment_name,
                    count(*) filter (where as_of_date = $previous)
                        as previous_customers,
                    count(*) filter (where as_of_date = $current)
                        as current_customers,
                    coalesce(sum(monetary) filter (
                        where as_of_date = $previous), 0) as previous_revenue,
                    coalesce(sum(monetary) filter (
                        where as_of_date = $current), 0) as current_revenue
                from customer_segment_history
                where as_of_date in ($previous, $current)
                group by segment_name
                """,
                {"previous": previous, "current": current},
            ).df()
    if data.has("segment_transitions"):
        data.transitions = _frame(
            con,
            "select * from segment_transitions where to_as_of_date = "
            "(select max(to_as_of_date) from segment_transitions)",
        )
    if data.has("customer_alerts"):
        data.alerts = _frame(
            con,
            "select alert_type, count(*) as customers, "
            "count(*) filter (where is_newly_raised) as newly_raised "
            "from customer_alerts group by alert_type order by alert_type",
        )
        types = ", ".join(f"'{t}'" for t in ACTION_ALERT_TYPES)
        data.customers_needing_action = con.execute(
            "select count(distinct customer_id) from customer_alerts "
            f"where alert_type in ({types})"
        ).fetchall()[0][0]


def _load_clusters(con: duckdb.DuckDBPyConnection, data: ReportData) -> None:
    if data.has("cluster_profiles"):
        data.cluster_profiles = _frame(
            con, "select * from cluster_profiles order by cluster_id"
        )
        if data.customers is None:
            data.customers = int(data.cluster_profiles["customers"].sum())
            data.revenue = float(data.cluster_profiles["revenue"].sum())
    if data.has("cluster_feature_profiles"):
        data.cluster_features = _frame(
            con,
            "select * from cluster_feature_profiles "
            "order by cluster_id, feature_position",
        )
    if data.has("cluster_model_selection"):
        data.cluster_selection = _frame(
            con, "select * from cluster_model_selection order by k"
        )
    if data.has("cluster_comparison"):
        data.cluster_comparison = _frame(
            con, "select * from cluster_comparison order by k"
        )
    data.cluster_points = _cluster_points(con, data)


def _cluster_points(
    con: duckdb.DuckDBPyConnection, data: ReportData
) -> pd.DataFrame | None:
    """Per customer: cluster id and the published features the clustering
    was run on, for the principal-component view. The clustered features
    are published per customer only in customer_segments (RFM
    configuration); other configurations publish centroids alone."""
    if not data.has("customer_clusters", "customer_segments"):
        return None
    if data.cluster_features is None:
        return None
    used = data.cluster_features.drop_duplicates("feature")
    used = used[used["is_clustered_on"].astype(bool)]
    features = [f for f in used["feature"] if f in PUBLISHED_CUSTOMER_FEATURES]
    if len(features) < 2 or len(features) < len(used):
        return None
    columns = ", ".join(f"segments.{f}" for f in features)
    return _frame(
        con,
        f"""
        select clusters.customer_id, clusters.cluster_id, {columns}
        from customer_clusters as clusters
        inner join customer_segments as segments
            on clusters.customer_id = segments.customer_id
        order by clusters.customer_id
        """,
    )


def _load_campaigns(con: duckdb.DuckDBPyConnection, data: ReportData) -> None:
    if data.has("segment_budget"):
        data.budget = _frame(
            con,
            "select * from segment_budget order by segment_type desc, "
            "segment_rank, segment_name",
        )


def _load_quality(con: duckdb.DuckDBPyConnection, data: ReportData) -> None:
    if data.has("order_line_reconciliation"):
        data.reconciliation = _frame(
            con,
            "select outcome, sum(order_lines)::bigint as order_lines "
            "from order_line_reconciliation group by outcome "
            "order by order_lines desc, outcome",
        )
