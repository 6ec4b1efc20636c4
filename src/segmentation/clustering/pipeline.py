"""One call from a per-customer feature table to the whole segmentation.

Steps of :func:`segment_customers`:

1. validate the config (:func:`parse_config`);
2. sort customers by id, impute, transform and standardise the features;
3. flag outliers (robust z) and leave them out of every fit;
4. evaluate K-means for every k of ``k_range`` and choose k (``choose_k``);
5. assign every customer (outliers too) to the nearest centroid of the chosen fit;
6. number the clusters (value-score rule, or Hungarian matching to the previous
   run's centroids when given) and name them with the naming rules;
7. profile the clusters, split oversized ones, cluster side by side for
   ``compare_k``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from segmentation.clustering.compare import compare_k_values
from segmentation.clustering.config import SegmentationConfig, parse_config
from segmentation.clustering.features import FeatureMatrix, prepare_features
from segmentation.clustering.labelling import LabelledClusters, label_customers
from segmentation.clustering.naming import name_clusters, role_scores, select_rule_set
from segmentation.clustering.ordering import (
    RAW_PREFIX,
    Z_PREFIX,
    previous_centroids_in_z,
)
from segmentation.clustering.outliers import flag_outliers
from segmentation.clustering.profiles import cluster_profiles, feature_profiles
from segmentation.clustering.selection import choose_k, evaluate_k_range, fit_k
from segmentation.clustering.split import split_oversized_clusters

CUSTOMER_COLUMNS = [
    "customer_id",
    "cluster_id",
    "cluster_name",
    "distance_to_centroid",
    "distance_to_next_centroid",
    "is_outlier",
    "outlier_reason",
    "sub_cluster_id",
    "sub_cluster_name",
    "imputed_features",
]


@dataclass(frozen=True)
class SegmentationResult:
    """Everything :func:`segment_customers` produces (plain DataFrames).

    Attributes:
        customer_clusters: One row per customer, sorted by id:
            :data:`CUSTOMER_COLUMNS` (distances in z units).
        model_selection: One row per evaluated k (see ``evaluate_k_range``) plus
            ``is_chosen``.
        chosen_k: The number of clusters used.
        chosen_k_reason: Why, with the figures.
        profiles: One row per cluster (see ``cluster_profiles``).
        feature_profiles: One row per cluster and requested feature (see
            ``feature_profiles``).
        centroids: One row per cluster: ``cluster_id``, ``cluster_name``,
            ``naming_rule``, ``customers``, ``value_score``, ``<role>_score``,
            ``centroid_z_<f>`` (z units) and ``centroid_<f>`` (raw units: the
            centroid mapped back through the transform), ``previous_cluster_id``,
            ``match_distance``. Pass it back as ``previous_centroids`` next run.
        sub_clusters: One row per sub-cluster of split clusters.
        split_decisions: One row per oversized cluster.
        comparison_assignments: ``customer_id``, ``k``, ``cluster_id``,
            ``cluster_name`` for every k of ``compare_k``.
        comparison_summary: One row per k of ``compare_k``.
        feature_report: One row per requested feature (transform, imputation,
            drop reason, mean/std).
        outlier_scales: Robust centre and scale per feature.
    """

    customer_clusters: pd.DataFrame
    model_selection: pd.DataFrame
    chosen_k: int
    chosen_k_reason: str
    profiles: pd.DataFrame
    feature_profiles: pd.DataFrame
    centroids: pd.DataFrame
    sub_clusters: pd.DataFrame
    split_decisions: pd.DataFrame
    comparison_assignments: pd.DataFrame
    comparison_summary: pd.DataFrame
    feature_report: pd.DataFrame
    outlier_scales: pd.DataFrame


def _centroid_table(
    lab: LabelledClusters, fm: FeatureMatrix, rules: pd.DataFrame | None
) -> pd.DataFrame:
    """The ``centroids`` output: names, scores, z and raw-unit centroids, matching."""
    scores = role_scores(lab.centroids_z, fm.specs, lab.ids)
    names = name_clusters(scores, rules)
    table = names.merge(scores, on="cluster_id")
    table.insert(4, "customers", lab.counts)
    raw = fm.inverse_transform(lab.centroids_z)
    for j, f in enumerate(fm.features):
        table[Z_PREFIX + f] = lab.centroids_z[:, j]
    for j, f in enumerate(fm.features):
        table[RAW_PREFIX + f] = raw[:, j]
    return table.merge(lab.matching, on="cluster_id")


def _revenue_column(cfg: SegmentationConfig) -> str | None:
    """The configured revenue column, else the first feature with role monetary."""
    if cfg.revenue_column:
        return cfg.revenue_column
    for spec in cfg.features:
        if spec.role == "monetary":
            return spec.name
    return None


def segment_customers(
    features_df: pd.DataFrame,
    config: Mapping[str, object],
    *,
    previous_centroids: pd.DataFrame | None = None,
    naming_rules: pd.DataFrame | None = None,
) -> SegmentationResult:
    """Segment customers with K-means (steps in the module docstring).

    Args:
        features_df: One row per customer: the id column, the raw feature columns
            and optionally the response and revenue columns.
        config: Plain dict; keys and defaults in :mod:`config`.
        previous_centroids: The previous run's ``centroids`` table, to carry ids
            over (optional).
        naming_rules: Rules table (the ``cluster_naming_rules`` seed); default
            :func:`default_naming_rules`.

    Raises:
        ValueError: on bad config (naming the key), bad input, or k larger than the
            number of distinct non-outlier customers.
    """
    cfg = parse_config(config)
    params = cfg.selection_params()
    naming_rules = select_rule_set(naming_rules, cfg.naming_rule_set)
    fm = prepare_features(
        features_df,
        cfg.features,
        id_column=cfg.id_column,
        skew_threshold=cfg.skew_threshold,
    )
    outliers = flag_outliers(fm, threshold=cfg.outlier_threshold)
    fit_mask = ~outliers.mask
    x_fit = fm.x[fit_mask]
    if x_fit.shape[0] == 0:
        raise ValueError(
            "every customer was flagged as an outlier; raise outlier_threshold"
        )

    ks = list(range(cfg.k_range[0], cfg.k_range[1] + 1))
    selection = evaluate_k_range(x_fit, ks, params, k_source=cfg.k_source("k_range"))
    chosen_k, reason = choose_k(
        selection.table,
        cfg.business_k_range[0],
        cfg.business_k_range[1],
        cfg.fixed_k,
        min_stability=cfg.min_stability,
        silhouette_tolerance=cfg.silhouette_tolerance,
    )
    fit = selection.fits.get(chosen_k) or fit_k(
        x_fit, chosen_k, params, k_source=cfg.k_source("fixed_k")
    )

    prev_z = prev_ids = None
    if previous_centroids is not None and len(previous_centroids):
        prev_z = previous_centroids_in_z(previous_centroids, fm)
        prev_ids = previous_centroids["cluster_id"].to_numpy(dtype=np.int64)
    lab = label_customers(
        fm.x,
        fit.centroids,
        fm.signs,
        previous_z=prev_z,
        previous_ids=prev_ids,
        max_distance=cfg.max_match_distance,
    )
    centroids = _centroid_table(lab, fm, naming_rules)
    name_of = dict(zip(centroids["cluster_id"], centroids["cluster_name"], strict=True))

    split = split_oversized_clusters(
        fm.x,
        lab.cluster_id,
        fit_mask,
        fm.specs,
        params,
        max_share=cfg.max_cluster_share,
        k_range=cfg.split_k_range,
        fixed_k=cfg.split_fixed_k,
        cluster_names=name_of,
        naming_rules=naming_rules,
        min_stability=cfg.min_stability,
        silhouette_tolerance=cfg.silhouette_tolerance,
    )
    names = np.array([name_of[i] for i in lab.ids], dtype=object)
    customers = pd.DataFrame(
        {
            "customer_id": fm.customer_ids,
            "cluster_id": lab.cluster_id.astype(np.int64),
            "cluster_name": names[np.searchsorted(lab.ids, lab.cluster_id)],
            "distance_to_centroid": lab.distance,
            "distance_to_next_centroid": lab.distance_next,
            "is_outlier": outliers.mask,
            "outlier_reason": outliers.flags["outlier_reason"].to_numpy(),
            "sub_cluster_id": split.sub_cluster_id,
            "sub_cluster_name": split.sub_cluster_name,
            "imputed_features": fm.imputed_features().to_numpy(),
        },
        columns=CUSTOMER_COLUMNS,
    )

    raw_cols = [s.name for s in cfg.features]
    extra = [c for c in (_revenue_column(cfg), cfg.response_column) if c]
    for col in extra:
        if col not in features_df.columns:
            raise ValueError(f"config names column '{col}' which is not in the input")
    raw = features_df[[cfg.id_column, *dict.fromkeys(raw_cols + extra)]].copy()
    raw[cfg.id_column] = raw[cfg.id_column].astype(str)
    joined = customers.merge(
        raw.rename(columns={cfg.id_column: "customer_id"}), on="customer_id", how="left"
    )
    profiles = cluster_profiles(
        joined,
        raw_cols,
        revenue_column=_revenue_column(cfg),
        response_column=cfg.response_column,
        centroids=centroids,
    )
    if not cfg.response_column:
        # Same columns with or without a response, so the dbt models and their
        # contracts do not depend on the config; nullable, so they read as null.
        empty = pd.array([pd.NA] * len(profiles), dtype="Float64")
        profiles = profiles.assign(
            responders=empty, response_known=empty, response_rate=empty
        )
    per_feature = feature_profiles(
        joined, raw_cols, centroids=centroids, feature_report=fm.report
    )
    comparison = compare_k_values(
        fm,
        cfg.compare_k,
        params,
        fit_mask=fit_mask,
        selection=selection,
        naming_rules=naming_rules,
        k_source=cfg.k_source("compare_k"),
    )
    model_selection = selection.table.assign(is_chosen=selection.table["k"] == chosen_k)
    return SegmentationResult(
        customer_clusters=customers,
        model_selection=model_selection,
        chosen_k=chosen_k,
        chosen_k_reason=reason,
        profiles=profiles,
        feature_profiles=per_feature,
        centroids=centroids,
        sub_clusters=split.sub_clusters,
        split_decisions=split.decisions,
        comparison_assignments=comparison.assignments,
        comparison_summary=comparison.summary,
        feature_report=fm.report,
        outlier_scales=outliers.scales,
    )
