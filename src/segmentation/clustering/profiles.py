"""Per-cluster profiles for people: sizes, feature means/medians, revenue, responses."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd


def _check_columns(data: pd.DataFrame, columns: Sequence[str], what: str) -> None:
    """ValueError listing the columns of ``columns`` missing from ``data``."""
    missing = [c for c in columns if c not in data.columns]
    if missing:
        raise ValueError(f"{what}: columns not found: {missing}")


def response_rates(
    data: pd.DataFrame, response_column: str, *, cluster_column: str = "cluster_id"
) -> pd.DataFrame:
    """Campaign response per cluster: ``responders``, ``response_known``,
    ``response_rate`` (responders / customers with a known response; the column is
    read as 0/1 or boolean, null responses are left out)."""
    _check_columns(data, [cluster_column, response_column], "response_rates")
    resp = pd.to_numeric(data[response_column].astype("float64"), errors="raise")
    frame = pd.DataFrame({cluster_column: data[cluster_column], "_r": resp})
    grouped = frame.groupby(cluster_column, sort=True)["_r"]
    out = pd.DataFrame(
        {
            "responders": grouped.sum(min_count=0),
            "response_known": grouped.count(),
        }
    )
    out["response_rate"] = out["responders"] / out["response_known"].replace(0, np.nan)
    return out.reset_index()


def cluster_profiles(
    data: pd.DataFrame,
    features: Sequence[str],
    *,
    cluster_column: str = "cluster_id",
    name_column: str | None = "cluster_name",
    revenue_column: str | None = None,
    response_column: str | None = None,
    outlier_column: str | None = "is_outlier",
    centroids: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """One row per cluster.

    Args:
        data: One row per customer with the cluster column, the raw feature
            columns and optionally the name, outlier and response columns.
        features: Raw feature columns to describe (``mean_<f>``, ``median_<f>``;
            nulls ignored).
        cluster_column: Cluster id column.
        name_column: Cluster name column (``None``/absent: no name column).
        revenue_column: Column summed into ``revenue`` and ``revenue_share`` (share
            of the total over all clusters; NaN when that total is not > 0).
        response_column: 0/1 response column: adds ``responders``,
            ``response_known``, ``response_rate``.
        outlier_column: Boolean outlier flag column, counted in ``n_outliers``.
        centroids: Optional table with ``cluster_id`` and ``centroid_z_<f>``
            columns, joined on the cluster id.

    Returns:
        ``cluster_id``, [``cluster_name``], ``customers``, ``share``,
        [``n_outliers``], ``mean_<f>``/``median_<f>`` per feature, [revenue
        columns], [response columns], [``centroid_z_<f>``]; sorted by cluster id.
    """
    _check_columns(data, [cluster_column, *features], "cluster_profiles")
    grouped = data.groupby(cluster_column, sort=True)
    out = pd.DataFrame({"customers": grouped.size()})
    if name_column and name_column in data.columns:
        out.insert(0, "cluster_name", grouped[name_column].first())
    out["share"] = out["customers"] / len(data)
    if outlier_column and outlier_column in data.columns:
        out["n_outliers"] = grouped[outlier_column].sum().astype("int64")
    if features:
        means = grouped[list(features)].mean()
        medians = grouped[list(features)].median()
        for f in features:
            out[f"mean_{f}"] = means[f]
            out[f"median_{f}"] = medians[f]
    if revenue_column:
        _check_columns(data, [revenue_column], "cluster_profiles revenue")
        out["revenue"] = grouped[revenue_column].sum()
        total = float(out["revenue"].sum())
        out["revenue_share"] = out["revenue"] / total if total > 0 else np.nan
    out = out.reset_index().rename(columns={cluster_column: "cluster_id"})
    if response_column:
        rates = response_rates(data, response_column, cluster_column=cluster_column)
        out = out.merge(
            rates.rename(columns={cluster_column: "cluster_id"}), on="cluster_id"
        )
    if centroids is not None:
        zcols = [c for c in centroids.columns if c.startswith("centroid_z_")]
        out = out.merge(centroids[["cluster_id", *zcols]], on="cluster_id", how="left")
    return out.sort_values("cluster_id", ignore_index=True)


def feature_profiles(
    data: pd.DataFrame,
    features: Sequence[str],
    *,
    centroids: pd.DataFrame,
    feature_report: pd.DataFrame,
    cluster_column: str = "cluster_id",
) -> pd.DataFrame:
    """The per-feature part of the profiles in long form: one row per cluster and
    feature, so the table keeps its columns whatever features the config lists.

    Args:
        data: One row per customer with the cluster column and the raw features.
        features: Requested raw feature columns, in config order.
        centroids: ``cluster_id``, ``cluster_name``, ``centroid_z_<f>`` and
            ``centroid_<f>`` (raw units) for the features kept by the run.
        feature_report: The run's feature report (``feature``, ``transform``,
            ``direction``, ``role``, ``kept``, ``drop_reason``).

    Returns:
        ``cluster_id``, ``cluster_name``, ``feature_position`` (1-based, config
        order), ``feature``, ``role``, ``direction``, ``transform``, ``kept``,
        ``drop_reason``, ``mean``, ``median`` (raw values, nulls ignored),
        ``centroid`` (raw units) and ``centroid_z`` (z units); the centroid
        columns are NaN for a dropped feature. Sorted by cluster id and position.
    """
    _check_columns(data, [cluster_column, *features], "feature_profiles")
    grouped = data.groupby(cluster_column, sort=True)
    means = grouped[list(features)].mean()
    medians = grouped[list(features)].median()
    report = feature_report.set_index("feature")
    names = centroids.set_index("cluster_id")["cluster_name"]
    rows = []
    for cluster_id in means.index:
        centroid = centroids.loc[centroids["cluster_id"] == cluster_id]
        for position, f in enumerate(features, start=1):
            info = report.loc[f]
            z_col, raw_col = f"centroid_z_{f}", f"centroid_{f}"
            rows.append(
                {
                    "cluster_id": cluster_id,
                    "cluster_name": names.get(cluster_id),
                    "feature_position": position,
                    "feature": f,
                    "role": info.get("role"),
                    "direction": info.get("direction"),
                    "transform": info.get("transform"),
                    "kept": bool(info.get("kept")),
                    "drop_reason": info.get("drop_reason"),
                    "mean": float(means.at[cluster_id, f]),
                    "median": float(medians.at[cluster_id, f]),
                    "centroid": _first(centroid, raw_col),
                    "centroid_z": _first(centroid, z_col),
                }
            )
    return pd.DataFrame(rows)


def _first(frame: pd.DataFrame, column: str) -> float:
    """The column's first value as a float; NaN when the column is absent."""
    if column not in frame.columns or frame.empty:
        return float("nan")
    return float(frame[column].iloc[0])


def category_mix(
    data: pd.DataFrame,
    category_column: str,
    *,
    cluster_column: str = "cluster_id",
    missing_label: str = "(missing)",
) -> pd.DataFrame:
    """Mix of a categorical column (e.g. the RFM ``segment_name``) in every cluster.

    Returns:
        Long table ``cluster_id``, ``category``, ``customers``, ``share_in_cluster``
        sorted by cluster id, customers (descending) and category. Nulls count as
        ``missing_label``.
    """
    _check_columns(data, [cluster_column, category_column], "category_mix")
    cat = data[category_column].astype(object).where(data[category_column].notna())
    cat = cat.fillna(missing_label).astype(str)
    frame = pd.DataFrame(
        {"cluster_id": data[cluster_column].to_numpy(), "category": cat}
    )
    counts = frame.groupby(["cluster_id", "category"], sort=True).size()
    out = counts.rename("customers").reset_index()
    totals = out.groupby("cluster_id")["customers"].transform("sum")
    out["share_in_cluster"] = out["customers"] / totals
    return out.sort_values(
        ["cluster_id", "customers", "category"],
        ascending=[True, False, True],
        kind="mergesort",
        ignore_index=True,
    )
