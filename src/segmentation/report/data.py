"""Everything the report shows, read from a published DuckDB file through a
read-only connection: the report never touches the build database, and a
publish running at the same time is never blocked by it.

A table the build did not produce (clusters only, history disabled, no
campaign marts, no value model) leaves its part of `ReportData` empty; the
rendering says so instead of failing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from segmentation.report.value_data import ValueData, load_value_data


class ReportDataError(Exception):
    """The file cannot be read as a published segmentation file."""


@dataclass
class History:
    """The published segment history: sizes per date, and each customer's
    path through the segments, grouped (identical paths counted once)."""

    dates: list[dt.date]
    sizes: pd.DataFrame  # as_of_date, segment_name, customers, revenue
    segments: list[str]  # in rank order; path codes index into it
    paths: np.ndarray  # distinct paths x dates, segment code, -1 = not scored
    path_counts: np.ndarray  # customers per distinct path
    recency: pd.DataFrame  # as_of_date, recency_days, customers


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
    customer_rows: pd.DataFrame | None = None  # one row per customer
    customer_features: list[str] = field(default_factory=list)
    history: History | None = None
    alerts: pd.DataFrame | None = None
    alert_thresholds: dict[str, float] = field(default_factory=dict)
    churn: pd.DataFrame | None = None  # all customers, per as-of date
    customers_needing_action: int | None = None
    cluster_profiles: pd.DataFrame | None = None
    cluster_features: pd.DataFrame | None = None
    cluster_selection: pd.DataFrame | None = None
    cluster_comparison: pd.DataFrame | None = None
    clusters_by_k: pd.DataFrame | None = None  # k, cluster_name, customers
    sub_clusters: pd.DataFrame | None = None
    personas: pd.DataFrame | None = None  # name, persona, strategy, kpis
    cluster_points: pd.DataFrame | None = None
    budget: pd.DataFrame | None = None
    reconciliation: pd.DataFrame | None = None
    value: ValueData | None = None
    notes: list[str] = field(default_factory=list)

    def has(self, *names: str) -> bool:
        return all(name in self.tables for name in names)

    @property
    def currency(self) -> str | None:
        """The reporting currency the build recorded, when it did."""
        value = (self.metadata or {}).get("reporting_currency")
        return str(value).strip().upper() if value else None


# Alerts of customers who can still be won back; 'lost' ones are past the
# point where the playbook spends on them.
ACTION_ALERT_TYPES = ("inactive", "aov_dropped", "moved_down_from_top_segment")

# A customer's RFM scores and figures in customer_segments, in the order
# the report loads and lists them.
RFM_COLUMNS = (
    "r_score",
    "f_score",
    "m_score",
    "recency_days",
    "frequency",
    "monetary",
    "average_order_value",
)
# The per-customer columns of customer_segments the report lists and charts;
# nothing that could identify a person beyond the customer id.
CUSTOMER_COLUMNS = (
    "customer_id",
    "segment_name",
    "segment_rank",
    "cluster_id",
    "cluster_name",
    *RFM_COLUMNS,
    "tenure_days",
    "first_order_date",
    "last_order_date",
)
# Views or tables of a build database that hold per-customer features when
# customer_segments does not (a customer-table configuration).
FEATURE_RELATIONS = ("int_customer_features",)


# The published tables the report reads as they are (or summed): the
# ReportData attribute each fills, the table it needs, and the query.
FRAMES = (
    (
        "segment_summary",
        "segment_summary",
        "select * from segment_summary order by segment_rank, segment_name",
    ),
    (
        "cluster_profiles",
        "cluster_profiles",
        "select * from cluster_profiles order by cluster_id",
    ),
    (
        "cluster_features",
        "cluster_feature_profiles",
        "select * from cluster_feature_profiles order by cluster_id, feature_position",
    ),
    (
        "cluster_selection",
        "cluster_model_selection",
        "select * from cluster_model_selection order by k",
    ),
    (
        "cluster_comparison",
        "cluster_comparison",
        "select * from cluster_comparison order by k",
    ),
    (
        "sub_clusters",
        "sub_cluster_profiles",
        "select * from sub_cluster_profiles order by cluster_id, sub_cluster_id",
    ),
    (
        "alerts",
        "customer_alerts",
        "select alert_type, count(*) as customers, "
        "count(*) filter (where is_newly_raised) as newly_raised "
        "from customer_alerts group by alert_type order by alert_type",
    ),
    (
        "churn",
        "segment_churn",
        "select as_of_date, previous_as_of_date, active_customers, "
        "churned_customers, monthly_churn_rate, monthly_churn_threshold "
        "from segment_churn where is_all_customers order by as_of_date",
    ),
    (
        "budget",
        "segment_budget",
        "select * from segment_budget order by segment_type desc, "
        "segment_rank, segment_name",
    ),
    (
        "reconciliation",
        "order_line_reconciliation",
        "select outcome, sum(order_lines)::bigint as order_lines "
        "from order_line_reconciliation group by outcome "
        "order by order_lines desc, outcome",
    ),
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
        for attribute, table, sql in FRAMES:
            if data.has(table):
                setattr(data, attribute, _frame(con, sql))
        _load_segments(con, data)
        _load_clusters(con, data)
        _load_customers(con, data)
        _load_history(con, data)
        data.value = load_value_data(con, tables)
    return data


def no_rows(frame: pd.DataFrame | None) -> bool:
    """True when a figure was not published, or holds no row."""
    return frame is None or frame.empty


def _frame(con: duckdb.DuckDBPyConnection, sql: str, params=None) -> pd.DataFrame:
    return con.execute(sql, params or {}).df()


def _columns(con: duckdb.DuckDBPyConnection, table: str) -> list[str]:
    return [row[0] for row in con.execute(f'describe "{table}"').fetchall()]


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
    if not data.has("customer_segments"):
        return
    customers, revenue, as_of = con.execute(
        "select count(*), sum(monetary), max(as_of_date) from customer_segments"
    ).fetchall()[0]
    data.customers, data.revenue = customers, revenue
    data.as_of_date = data.as_of_date or as_of


def _load_customers(con: duckdb.DuckDBPyConnection, data: ReportData) -> None:
    """One row per customer: the RFM figures when customer_segments is
    published, else the cluster and, in a build database of a customer
    table, its clustering features."""
    if data.has("customer_segments"):
        present = set(_columns(con, "customer_segments"))
        columns = [c for c in CUSTOMER_COLUMNS if c in present]
        rows = _frame(
            con,
            f"select {', '.join(columns)} from customer_segments "
            "order by monetary desc, customer_id",
        )
        if data.has("customer_clusters"):
            subs = _frame(
                con,
                "select customer_id, sub_cluster_id, sub_cluster_name "
                "from customer_clusters",
            )
            rows = rows.merge(subs, on="customer_id", how="left")
        data.customer_rows = rows
        data.customer_features = [
            c for c in ("recency_days", "frequency", "monetary") if c in columns
        ]
        return
    if not data.has("customer_clusters"):
        return
    rows = _frame(
        con,
        "select customer_id, cluster_id, cluster_name, sub_cluster_id, "
        "sub_cluster_name, is_outlier from customer_clusters "
        "order by cluster_id, customer_id",
    )
    features = _feature_names(data)
    relation = _feature_relation(con, features)
    if relation is not None:
        selected = ", ".join(f'"{f}"' for f in features)
        values = _frame(con, f"select customer_id, {selected} from {relation}")
        values["customer_id"] = values["customer_id"].astype(rows["customer_id"].dtype)
        rows = rows.merge(values, on="customer_id", how="left")
        data.customer_features = features
    data.customer_rows = rows


def _feature_names(data: ReportData) -> list[str]:
    if data.cluster_features is None:
        return []
    ordered = data.cluster_features.sort_values("feature_position")
    return list(dict.fromkeys(ordered["feature"]))


def _feature_relation(
    con: duckdb.DuckDBPyConnection, features: list[str]
) -> str | None:
    """A relation of the file with customer_id and every feature that can
    be read now (a view over a moved input file cannot)."""
    if not features:
        return None
    for name in FEATURE_RELATIONS:
        try:
            present = set(_columns(con, name))
        except duckdb.Error:
            continue
        if {"customer_id", *features} <= present:
            try:
                con.execute(f"select count(*) from {name}").fetchall()
            except duckdb.Error:
                continue
            return name
    return None


def _load_history(con: duckdb.DuckDBPyConnection, data: ReportData) -> None:
    if data.has("customer_alerts"):
        types = ", ".join(f"'{t}'" for t in ACTION_ALERT_TYPES)
        data.customers_needing_action = con.execute(
            "select count(distinct customer_id) from customer_alerts "
            f"where alert_type in ({types})"
        ).fetchall()[0][0]
        data.alert_thresholds = {
            alert_type: float(threshold)
            for alert_type, threshold in con.execute(
                "select alert_type, min(threshold_value) from customer_alerts "
                "where alert_type in ('inactive', 'lost') group by alert_type"
            ).fetchall()
        }
    if data.has("customer_segment_history"):
        data.history = _history(con, data)


def _history(con: duckdb.DuckDBPyConnection, data: ReportData) -> History | None:
    dates = [
        d
        for (d,) in con.execute(
            "select distinct as_of_date from customer_segment_history order by 1"
        ).fetchall()
    ]
    if not dates:
        return None
    sizes = _frame(
        con,
        """
        select as_of_date, segment_name, min(segment_rank) as segment_rank,
            count(*) as customers, sum(monetary) as revenue
        from customer_segment_history
        group by as_of_date, segment_name
        order by as_of_date, segment_rank, segment_name
        """,
    )
    ranked = sizes.groupby("segment_name")["segment_rank"].min().reset_index()
    segments = list(
        ranked.sort_values(["segment_rank", "segment_name"])["segment_name"]
    )
    # Identical paths grouped in SQL: a million customers over 25 dates
    # become a few thousand distinct paths to count flows from.
    grouped = con.execute(
        """
        with dated as (
            select
                history.customer_id,
                dates.position * $segments + segments.position as step
            from customer_segment_history as history
            inner join (
                select unnest($dates::date[]) as as_of_date,
                    generate_subscripts($dates::date[], 1) - 1 as position
            ) as dates on history.as_of_date = dates.as_of_date
            inner join (
                select unnest($names::varchar[]) as segment_name,
                    generate_subscripts($names::varchar[], 1) - 1 as position
            ) as segments on history.segment_name = segments.segment_name
        ),
        paths as (
            select customer_id, list(step order by step) as path
            from dated group by customer_id
        )
        select path, count(*) as customers from paths
        group by path order by customers desc, path
        """,
        {"segments": len(segments), "dates": dates, "names": segments},
    ).fetchall()
    paths = np.full((len(grouped), len(dates)), -1, dtype=np.int16)
    counts = np.zeros(len(grouped), dtype=np.int64)
    for row, (path, customers) in enumerate(grouped):
        steps = np.asarray(path, dtype=np.int64)
        paths[row, steps // len(segments)] = steps % len(segments)
        counts[row] = customers
    recency = _frame(
        con,
        "select as_of_date, recency_days, count(*) as customers "
        "from customer_segment_history group by all order by all",
    )
    # Python dates, as `dates` holds: pandas reads DATE as timestamps.
    for frame in (sizes, recency):
        frame["as_of_date"] = pd.to_datetime(frame["as_of_date"]).dt.date
    return History(dates, sizes, segments, paths, counts, recency)


def _load_clusters(con: duckdb.DuckDBPyConnection, data: ReportData) -> None:
    if data.cluster_profiles is not None and data.customers is None:
        data.customers = int(data.cluster_profiles["customers"].sum())
        data.revenue = float(data.cluster_profiles["revenue"].sum())
    data.clusters_by_k = _clusters_by_k(con, data)
    data.personas = _personas(con, data)
    data.cluster_points = _cluster_points(con, data)


# Only a build database holds the clusters of every compared k (the marts
# keep the smallest and largest): the K-means run's comparison part, or
# the assignments per k of earlier builds.
CLUSTERS_BY_K_SQL = {
    "int_kmeans_results": "select k, cluster_id, cluster_name, customers from "
    "(select unnest(comparison, recursive := true) from int_kmeans_results "
    "where part = 'comparison')",
    "int_customers_clustered_by_k": "select k, cluster_id, cluster_name, "
    "count(*) as customers from int_customers_clustered_by_k group by all",
}


def _clusters_by_k(
    con: duckdb.DuckDBPyConnection, data: ReportData
) -> pd.DataFrame | None:
    for table, sql in CLUSTERS_BY_K_SQL.items():
        if not data.has(table):
            continue
        try:
            return _frame(con, f"select * from ({sql}) order by k, cluster_id")
        except duckdb.Error:
            data.notes.append(f"{table}: its clusters per k could not be read")
    return None


PERSONA_COLUMNS = ("persona", "strategy", "kpis")
PERSONA_TABLES = ("cluster_playbook", "cluster_personas")


def _personas(con: duckdb.DuckDBPyConnection, data: ReportData) -> pd.DataFrame | None:
    """Persona, strategy and KPIs per cluster name, from whichever published
    table carries them: a playbook table keyed by name, or the profile
    tables themselves. None when nothing is published."""
    frames = []
    for table in (*PERSONA_TABLES, "cluster_profiles", "sub_cluster_profiles"):
        if not data.has(table):
            continue
        present = set(_columns(con, table))
        name = next(
            (c for c in ("cluster_name", "sub_cluster_name", "name") if c in present),
            None,
        )
        if table == "sub_cluster_profiles":
            name = "sub_cluster_name"
        wanted = [c for c in PERSONA_COLUMNS if c in present]
        if name is None or name not in present or not wanted:
            continue
        frame = _frame(con, f"select {name} as name, {', '.join(wanted)} from {table}")
        frames.append(frame)
    if not frames:
        return None
    merged = pd.concat(frames, ignore_index=True)
    return merged.dropna(subset=["name"]).drop_duplicates("name")


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
    present = set(_columns(con, "customer_segments"))
    features = [f for f in used["feature"] if f in present]
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
