"""One call from a per-customer feature table to the whole segmentation.

Steps of :func:`segment_customers`:

1. validate the settings (:func:`parse_config`);
2. sort customers by id, impute, transform and standardise the features;
3. flag outliers (z beyond ``outlier_z``, at most ``max_outlier_share``) and
   leave them out of every fit;
4. evaluate K-means for every k of ``k_range`` and choose k (``choose_k``: the
   best k that meets every quality threshold); or, given a stored run that
   fits, keep its k and fit once from its centroids (:mod:`.warm_start`),
   falling back to the choice, with the reason logged, when it does not;
5. assign every customer (outliers too) to the nearest centroid of the chosen fit;
6. number the clusters (value-score rule, Hungarian matching to the previous
   run's centroids when given, or the stored ids of a warm start) and name
   them with the naming rules;
7. profile the clusters, split oversized ones, cluster side by side for
   ``compare_k``; after a warm start, the splits and the side-by-side k start
   from the stored run's too (:mod:`.side_warm_start`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from segmentation.clustering.compare import Comparison, compare_k_values
from segmentation.clustering.config import SegmentationConfig, parse_config
from segmentation.clustering.errors import (
    InputDataError,
    SettingError,
    TooFewDistinctPointsError,
    config_key_name,
)
from segmentation.clustering.features import FeatureMatrix, prepare_features
from segmentation.clustering.labelling import LabelledClusters, label_customers
from segmentation.clustering.naming import name_clusters, role_scores, select_rule_set
from segmentation.clustering.ordering import (
    RAW_PREFIX,
    Z_PREFIX,
    previous_centroids_in_z,
)
from segmentation.clustering.outliers import OutlierResult, flag_outliers
from segmentation.clustering.profiles import cluster_profiles, feature_profiles
from segmentation.clustering.selection import (
    choose_k,
    evaluate_k_range,
    fit_k,
    judge_gates,
)
from segmentation.clustering.side_warm_start import side_centroid_table, side_starts
from segmentation.clustering.split import split_oversized_clusters
from segmentation.clustering.warm_start import (
    FROM_SELECTION,
    FROM_STORED_RUN,
    StoredRun,
    WarmStart,
    WarmStartError,
    run_record,
    warm_start,
)

# The warm start's outcome, and every reason it was refused, is shown with
# the progress lines of the selection.
logger = logging.getLogger(__name__)

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
            ``passes_gates``, ``gate_failures``, ``is_chosen`` and
            ``chosen_k_reason`` (on the chosen row only).
        chosen_k: The number of clusters used.
        chosen_k_reason: Why, with the figures.
        profiles: One row per cluster (see ``cluster_profiles``), with the
            ``naming_rule``, ``value_score``, ``previous_cluster_id`` and
            ``match_distance`` of the centroids table.
        feature_profiles: One row per cluster and requested feature (see
            ``feature_profiles``).
        centroids: One row per cluster: ``cluster_id``, ``cluster_name``,
            ``naming_rule``, ``customers``, ``value_score``, ``<role>_score``,
            ``centroid_z_<f>`` (z units) and ``centroid_<f>`` (raw units: the
            centroid mapped back through the transform), ``previous_cluster_id``,
            ``match_distance``. Pass it back as ``previous_centroids`` next run.
        sub_clusters: One row per sub-cluster of split clusters.
        split_decisions: One row per oversized cluster.
        comparison: The side-by-side k (:class:`compare.Comparison`); its
            ``assignments`` (``customer_id``, ``k``, ``cluster_id``,
            ``cluster_name`` for every k of ``compare_k``) are built when
            asked.
        comparison_summary: One row per k of ``compare_k``.
        comparison_sizes: One row per k of ``compare_k`` and cluster:
            ``k``, ``cluster_id``, ``cluster_name``, ``customers``.
        feature_report: One row per requested feature (transform, imputation,
            drop reason, mean/std).
        outliers: The outlier flags and the threshold used.
        run_record: One row (``warm_start.RECORD_COLUMNS``): the chosen k,
            whether it was chosen or kept from a stored run, the settings and
            features the next refresh checks, and what the warm start did
            for the main fit and for the side fits.
        side_centroids: The centroids of the side-by-side k and the splits,
            in raw units (``side_warm_start.SIDE_COLUMNS``), which the next
            refresh starts them from.
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
    comparison: Comparison
    comparison_summary: pd.DataFrame
    comparison_sizes: pd.DataFrame
    feature_report: pd.DataFrame
    outliers: OutlierResult
    run_record: pd.DataFrame
    side_centroids: pd.DataFrame

    @property
    def comparison_assignments(self) -> pd.DataFrame:
        return self.comparison.assignments


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


def _choose(
    cfg: SegmentationConfig, fm: FeatureMatrix, fit_mask: np.ndarray
) -> tuple[pd.DataFrame, int, str, dict]:
    """Steps 4: the selection table with the gates judged, the chosen k, why,
    and the fits by k (the chosen one included)."""
    params = cfg.selection_params()
    x_fit = fm.x[fit_mask]
    ks = list(range(cfg.k_range[0], cfg.k_range[1] + 1))
    try:
        selection = evaluate_k_range(x_fit, ks, params, assigned_also=fm.x[~fit_mask])
    except TooFewDistinctPointsError as err:
        raise err.for_setting("k_range") from None
    chosen_k, reason = choose_k(
        selection.table,
        cfg.business_k_range[0],
        cfg.business_k_range[1],
        cfg.fixed_k,
        gates=cfg.gates(),
        silhouette_tolerance=cfg.silhouette_tolerance,
    )
    fits = dict(selection.fits)
    if chosen_k not in fits:
        try:
            fits[chosen_k] = fit_k(x_fit, chosen_k, params)
        except TooFewDistinctPointsError as err:
            raise err.for_setting("fixed_k") from None
    table = judge_gates(selection.table, cfg.gates())
    is_chosen = table["k"] == chosen_k
    table = table.assign(
        is_chosen=is_chosen,
        chosen_k_reason=pd.Series(
            np.where(is_chosen, reason, None), index=table.index, dtype=object
        ),
    )
    return table, chosen_k, reason, {"selection": selection, "fits": fits}


def _try_warm_start(
    cfg: SegmentationConfig,
    fm: FeatureMatrix,
    fit_mask: np.ndarray,
    stored: StoredRun,
    setting_name: Callable[[str], str],
) -> tuple[WarmStart | None, str]:
    """The warm start, or None; and the line that says what happened, logged."""
    try:
        warm = warm_start(cfg, fm, fit_mask, stored)
    except WarmStartError as err:
        note = (
            f"no warm start, so k is chosen again over {setting_name('k_range')}: "
            f"{err.render(setting_name)}"
        )
        logger.warning("K-means: %s", note)
        return None, note
    logger.info("K-means: %s", warm.note)
    return warm, warm.note


def _matchable(centroids: pd.DataFrame, fm: FeatureMatrix) -> bool:
    """Whether stored centroids give every feature of this run a finite raw
    value, so the new clusters can be matched to them; else (logged) the
    clusters are numbered by the value score."""
    columns = [RAW_PREFIX + name for name in fm.features]
    if (
        all(c in centroids.columns for c in columns)
        and np.isfinite(centroids[columns].to_numpy(dtype=np.float64)).all()
    ):
        return True
    logger.warning(
        "K-means: the stored clusters lack a centroid for a feature of this "
        "run, so their ids cannot be kept: clusters are numbered by value score"
    )
    return False


def segment_customers(
    features_df: pd.DataFrame,
    config: Mapping[str, object],
    *,
    previous_centroids: pd.DataFrame | None = None,
    stored_run: StoredRun | None = None,
    naming_rules: pd.DataFrame | None = None,
    setting_name: Callable[[str], str] = config_key_name,
) -> SegmentationResult:
    """Segment customers with K-means (steps in the module docstring).

    Args:
        features_df: One row per customer: the id column, the raw feature columns
            and optionally the response and revenue columns.
        config: Plain dict; settings and defaults in :mod:`config`.
        previous_centroids: The previous run's ``centroids`` table, to carry ids
            over (optional).
        stored_run: The stored run of a refresh (optional): its k is kept and
            its centroids start the fit when it fits (:mod:`.warm_start`);
            otherwise k is chosen and its centroids keep the ids, as
            ``previous_centroids`` would.
        naming_rules: Rules table (the ``cluster_naming_rules`` seed); default
            :func:`default_naming_rules`.
        setting_name: How the logged reasons name a setting (default
            ``config key 'k_range'``).

    Raises:
        SettingError: on a bad setting (naming the key).
        InputDataError: on input that cannot be clustered.
        TooFewDistinctPointsError: when k exceeds the distinct non-outlier
            customers (naming the k setting).
    """
    cfg = parse_config(config)
    params = cfg.selection_params()
    naming_rules = select_rule_set(naming_rules, cfg.naming_rule_set)
    extra = [c for c in (_revenue_column(cfg), cfg.response_column) if c]
    for col in extra:
        if col not in features_df.columns:
            raise SettingError(
                f"$key names column '{col}', which is not in the input",
                "revenue_column" if col == cfg.revenue_column else "response_column",
            )
    fm = prepare_features(
        features_df,
        cfg.features,
        id_column=cfg.id_column,
        skew_threshold=cfg.skew_threshold,
    )
    outliers = flag_outliers(fm, max_z=cfg.outlier_z, max_share=cfg.max_outlier_share)
    fit_mask = ~outliers.mask
    if not fit_mask.any():
        raise InputDataError("every customer was flagged as an outlier")

    warm, note = None, None
    if stored_run is not None:
        warm, note = _try_warm_start(cfg, fm, fit_mask, stored_run, setting_name)
        fallback = warm is None and previous_centroids is None
        if fallback and _matchable(stored_run.centroids, fm):
            previous_centroids = stored_run.centroids
    if warm is not None:
        model_selection, chosen_k, reason = warm.table, warm.k, warm.reason
        run = {"selection": warm.selection, "fits": {warm.k: warm.fit}}
        prev_z, prev_ids = warm.start_z, warm.ids
        selection_reason, k_source = warm.selection_reason, FROM_STORED_RUN
    else:
        model_selection, chosen_k, reason, run = _choose(cfg, fm, fit_mask)
        prev_z = prev_ids = None
        if previous_centroids is not None and len(previous_centroids):
            prev_z = previous_centroids_in_z(previous_centroids, fm)
            prev_ids = previous_centroids["cluster_id"].to_numpy(dtype=np.int64)
        selection_reason, k_source = reason, FROM_SELECTION
    lab = label_customers(
        fm.x,
        run["fits"][chosen_k].centroids,
        fm.signs,
        previous_z=prev_z,
        previous_ids=prev_ids,
        max_distance=cfg.max_match_distance,
        keep_ids=warm is not None,
    )
    centroids = _centroid_table(lab, fm, naming_rules)
    name_of = dict(zip(centroids["cluster_id"], centroids["cluster_name"], strict=True))

    side = None
    if stored_run is not None:
        side = side_starts(
            stored_run,
            cfg,
            fm,
            main_warm=warm is not None,
            setting_name=setting_name,
        )
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
        warm=side,
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
    # The input's columns in the feature matrix's row order (sorted ids).
    joined = pd.DataFrame(
        {
            col: features_df[col].iloc[fm.row_order].reset_index(drop=True)
            for col in dict.fromkeys(raw_cols + extra)
        }
    ).assign(
        cluster_id=customers["cluster_id"].to_numpy(),
        cluster_name=customers["cluster_name"].to_numpy(),
        is_outlier=outliers.mask,
    )
    profiles = cluster_profiles(
        joined,
        [],
        revenue_column=_revenue_column(cfg),
        response_column=cfg.response_column,
    )
    if not cfg.response_column:
        # Same columns with or without a response, so the published tables do
        # not depend on the settings; nullable, so they read as null.
        empty = pd.array([pd.NA] * len(profiles), dtype="Float64")
        profiles = profiles.assign(
            responders=empty, response_known=empty, response_rate=empty
        )
    profiles = profiles.merge(
        centroids[
            [
                "cluster_id",
                "naming_rule",
                "rule_margin",
                "value_score",
                "previous_cluster_id",
                "match_distance",
            ]
        ],
        on="cluster_id",
    )
    per_feature = feature_profiles(
        joined, raw_cols, centroids=centroids, feature_report=fm.report
    )
    try:
        comparison = compare_k_values(
            fm,
            cfg.compare_k,
            params,
            fit_mask=fit_mask,
            selection=run["selection"],
            naming_rules=naming_rules,
            # The chosen k side by side is the run's own clusters, ids and all.
            labelled={chosen_k: (lab, name_of)},
            warm=side,
        )
    except TooFewDistinctPointsError as err:
        raise err.for_setting("compare_k") from None
    side_notes = [*split.notes, *comparison.notes]
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
        comparison=comparison,
        comparison_summary=comparison.summary,
        comparison_sizes=comparison.sizes,
        feature_report=fm.report,
        outliers=outliers,
        run_record=run_record(
            cfg,
            fm,
            chosen_k,
            k_source=k_source,
            selection_reason=selection_reason,
            note=note,
            side_note="\n".join(side_notes) if side_notes else None,
        ),
        side_centroids=side_centroid_table(
            comparison.centroids, split.sub_clusters, fm
        ),
    )
