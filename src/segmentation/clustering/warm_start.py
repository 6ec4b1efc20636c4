"""Warm start: a refresh keeps the stored run's k and starts from its centroids.

A full run chooses k: for every k of ``k_range`` it fits K-means with
``n_init`` seeded restarts and measures silhouette and bootstrap stability
(:mod:`.selection`). A refresh adds a few days of orders to customers the
stored run (the last build's) has already clustered; choosing again would
mostly find the same k and the same clusters, at the price of the whole
sweep. Given that stored run (:class:`StoredRun`), :func:`warm_start`:

1. checks that the stored run fits this one (:func:`start_centroids`): it
   recorded its settings; the settings that shape the choice of k and the
   clusters (every setting but :data:`NOT_CHOICE_SETTINGS`) are the same;
   it clustered the same features with the same transforms; its centroids
   are all there;
2. maps the stored centroids, kept in raw units, into this run's z units
   through this run's transforms and scaler, the way the customers' own
   features are mapped (see *The scaler* below);
3. runs Lloyd once from them on the customers the fit uses (outliers left
   out, as in a full run): no seeding, no restarts, so nothing random.
   Cluster ``i`` starts at stored centroid ``i`` and keeps its id. Stored
   centroids that already fit the customers stay where they are
   (:func:`.kmeans_core.kmeans_from`), so with unchanged data the stored
   partition comes back as it was;
4. measures the result as the model selection measures one k (silhouette,
   stability, sizes, closest centroids, with the same seeds and samples) and
   applies the same quality thresholds (:class:`.selection.Gates`).

Any check that fails raises :class:`WarmStartError`, which says what did
not fit: no record of the stored run, other settings, other features, a
cluster that lost every customer, a centroid that moved beyond
``max_match_distance``, a missed quality threshold. The caller then chooses
k over ``k_range`` as a full run does (and matches the new clusters to the
stored ones to keep their ids).

The scaler
    The z-scores come from the transforms, means and standard deviations
    fitted on this run's customers, as in a full build of the same data; the
    stored centroids are carried in raw units and mapped with the same
    transforms and the same scaler. Reusing the stored run's scaler instead
    would measure every distance, outlier flag and quality figure of a
    refresh in units no build of the current data would use, so its figures
    could not be compared with a full build's; with the data unchanged the
    two scalers are the same, and a warm start from the stored centroids
    then finds the stored partition again. A change that makes the features
    themselves differ (a feature now constant and dropped, ``transform:
    auto`` now deciding otherwise) refuses the warm start.

The model-selection table of a warm start
    The rows of the other k are carried forward from the stored run: they
    are the figures of the last full selection, on the customers of that
    build. The row of the kept k is measured on this run, and its
    ``chosen_k_reason`` says that k was kept, with the last full selection's
    reason after it. Every row is judged against the quality thresholds
    again.

The run record
    :func:`run_record` is one row a run stores beside its results
    (:data:`RECORD_COLUMNS`), so that the next refresh can check that it
    fits: the chosen k, how it was decided, the settings and the features as
    applied, the reason of the last full selection and what the warm start
    did.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, fields

import numpy as np
import pandas as pd

from segmentation.clustering.config import SegmentationConfig
from segmentation.clustering.errors import ClusteringError
from segmentation.clustering.features import FeatureMatrix, FeatureSpec
from segmentation.clustering.kmeans_core import (
    EmptyClusterError,
    KMeansResult,
    kmeans_from,
)
from segmentation.clustering.ordering import RAW_PREFIX
from segmentation.clustering.selection import (
    SELECTION_COLUMNS,
    SelectionParams,
    SelectionResult,
    evaluate_k_range,
    fmt_figure,
    judge_gates,
    row_figures,
)

#: Settings that shape no fit at all (ids, names, profiles, which k are
#: shown side by side, when a cluster counts as oversized).
NOT_FIT_SETTINGS = frozenset(
    {
        "id_column",
        "max_cluster_share",
        "compare_k",
        "revenue_column",
        "response_column",
        "max_match_distance",
        "naming_rule_set",
    }
)
#: Settings that shape the split of an oversized cluster only.
SPLIT_SETTINGS = frozenset({"split_k_range", "split_fixed_k"})
#: Settings that shape neither the choice of k nor the clusters of the
#: chosen k: a stored run made with other values of these still fits.
NOT_CHOICE_SETTINGS = NOT_FIT_SETTINGS | SPLIT_SETTINGS

#: Columns of :func:`run_record`.
RECORD_COLUMNS = [
    "chosen_k",
    "k_source",
    "settings",
    "features",
    "selection_reason",
    "warm_start_note",
    "side_fits_note",
]
#: ``k_source`` of a run that chose k over ``k_range``.
FROM_SELECTION = "selection"
#: ``k_source`` of a run that kept the stored run's k.
FROM_STORED_RUN = "stored run"


class WarmStartError(ClusteringError):
    """The stored run cannot start this one; the text says why."""


@dataclass(frozen=True)
class StoredRun:
    """What a refresh reads back of the stored run.

    Attributes:
        centroids: One row per stored cluster: ``cluster_id`` and
            ``centroid_<feature>`` in raw units.
        model_selection: Its model-selection rows (``SELECTION_COLUMNS``,
            ``passes_gates``, ``gate_failures``, ``is_chosen``,
            ``chosen_k_reason``); None when it stored none.
        record: Its :func:`run_record` row as a mapping; None when it stored
            none (a run made before runs were recorded).
        side_centroids: The centroids of its side-by-side k and splits
            (:data:`.side_warm_start.SIDE_COLUMNS`, raw units); None when it
            stored none (a run made before they were stored).
    """

    centroids: pd.DataFrame
    model_selection: pd.DataFrame | None = None
    record: Mapping[str, object] | None = None
    side_centroids: pd.DataFrame | None = None


@dataclass(frozen=True)
class WarmStart:
    """A warm start that passed every check.

    Attributes:
        k: The stored run's k, kept.
        ids: ``(k,)`` stored cluster ids; cluster ``i`` of ``fit`` keeps
            ``ids[i]``.
        start_z: ``(k, p)`` the stored centroids in this run's z units.
        fit: The Lloyd run from ``start_z`` on the fit customers.
        table: The model-selection table (see the module docstring), gates
            judged, ``is_chosen`` and ``chosen_k_reason`` set.
        selection: ``table`` with the one fit, for the side-by-side k.
        reason: ``chosen_k_reason`` of the kept k.
        selection_reason: The reason of the last full selection.
        note: One line saying what the warm start did.
    """

    k: int
    ids: np.ndarray
    start_z: np.ndarray
    fit: KMeansResult
    table: pd.DataFrame
    selection: SelectionResult
    reason: str
    selection_reason: str
    note: str


def _plain(value: object) -> object:
    """A setting as JSON holds it (tuples as lists, feature specs as dicts)."""
    if isinstance(value, FeatureSpec):
        return {f.name: getattr(value, f.name) for f in fields(value)}
    if isinstance(value, tuple | list):
        return [_plain(item) for item in value]
    return value


def choice_settings(cfg: SegmentationConfig) -> dict[str, object]:
    """The settings that shape the choice of k and the clusters, by key."""
    return {
        f.name: _plain(getattr(cfg, f.name))
        for f in fields(cfg)
        if f.name not in NOT_CHOICE_SETTINGS
    }


def fit_settings(cfg: SegmentationConfig) -> dict[str, object]:
    """The settings that shape any fit (the choice of k, the clusters, the
    splits), by key: what a run records for the next refresh to compare."""
    return {
        f.name: _plain(getattr(cfg, f.name))
        for f in fields(cfg)
        if f.name not in NOT_FIT_SETTINGS
    }


def changed_settings(
    record: Mapping[str, object],
    cfg: SegmentationConfig,
    *,
    only: frozenset[str] | None = None,
    ignore: frozenset[str] = frozenset(),
) -> list[tuple[str, object, object]]:
    """The recorded settings (those among ``only``, none of ``ignore``) whose
    value differs from this run's: ``(key, then, now)``, by key."""
    before = json.loads(str(record["settings"]))
    now = json.loads(json.dumps(fit_settings(cfg)))
    keys = (before.keys() | now.keys()) - ignore
    if only is not None:
        keys &= only
    return [
        (key, before.get(key), now.get(key))
        for key in sorted(keys)
        if before.get(key) != now.get(key)
    ]


def settings_refusal(what: str, changed: list[tuple[str, object, object]]) -> str:
    """``<what> with other settings: $key [2,7] then, [2,6] now; ...``."""
    parts = [
        f"{_placeholder(i)} {_compact(then)} then, {_compact(now)} now"
        for i, (_, then, now) in enumerate(changed)
    ]
    return f"{what} with other settings: " + "; ".join(parts)


def applied_features(fm: FeatureMatrix) -> list[list[str]]:
    """The features clustered on, in order, each with its transform as used."""
    return [[spec.name, spec.transform] for spec in fm.specs]


def run_record(
    cfg: SegmentationConfig,
    fm: FeatureMatrix,
    chosen_k: int,
    *,
    k_source: str,
    selection_reason: str,
    note: str | None,
    side_note: str | None = None,
) -> pd.DataFrame:
    """The one-row record a run stores for the next refresh (module docstring)."""
    return pd.DataFrame(
        {
            "chosen_k": [int(chosen_k)],
            "k_source": [k_source],
            "settings": [json.dumps(fit_settings(cfg), sort_keys=True)],
            "features": [json.dumps(applied_features(fm))],
            "selection_reason": [selection_reason],
            "warm_start_note": pd.Series([note], dtype=object),
            "side_fits_note": pd.Series([side_note], dtype=object),
        },
        columns=RECORD_COLUMNS,
    )


def _placeholder(i: int) -> str:
    """``$key``, ``$key1``, ... : where the i-th setting of a message is named."""
    return "$key" if i == 0 else f"$key{i}"


def _compact(value: object) -> str:
    """A setting's value as the refusal shows it."""
    return json.dumps(value, separators=(",", ":"))


def _features_text(features: list[list[str]] | list[tuple[str, str]]) -> str:
    """``recency_days (log1p), frequency (none)``."""
    return ", ".join(f"{name} ({transform})" for name, transform in features)


def _check_record(
    stored: StoredRun, cfg: SegmentationConfig, fm: FeatureMatrix
) -> None:
    """Refuse a stored run without a record, or made with other settings or
    features than this run."""
    record = stored.record
    if record is None or stored.model_selection is None:
        raise WarmStartError(
            "the stored run recorded neither its settings nor its model "
            "selection (its table has no run part: an earlier version of the "
            "project wrote it)"
        )
    changed = changed_settings(record, cfg, ignore=NOT_CHOICE_SETTINGS)
    if changed:
        raise WarmStartError(
            settings_refusal("the stored run chose its k", changed),
            *(key for key, _, _ in changed),
        )
    features_before = [list(f) for f in json.loads(str(record["features"]))]
    if features_before != applied_features(fm):
        raise WarmStartError(
            f"the stored run clustered on {_features_text(features_before)}; "
            f"this data gives {_features_text(applied_features(fm))} (a "
            "feature that is constant or wholly missing is left out, and "
            "transform auto follows the skewness)"
        )


def standardised_start(fm: FeatureMatrix, raw: np.ndarray) -> np.ndarray:
    """Stored centroids in raw units, in this run's standardised units."""
    with np.errstate(invalid="ignore", divide="ignore"):
        start = fm.standardise_raw(raw)
    if not np.isfinite(start).all():
        raise WarmStartError(
            "a stored centroid lies outside what this run's transforms take "
            "(a negative value under log1p)"
        )
    return start


def start_centroids(
    stored: StoredRun, cfg: SegmentationConfig, fm: FeatureMatrix
) -> tuple[np.ndarray, np.ndarray]:
    """The stored centroids in this run's z units and their ids, by ascending
    id (steps 1 and 2 of the module docstring).

    Raises:
        WarmStartError: when the stored run does not fit this one.
    """
    _check_record(stored, cfg, fm)
    table = stored.centroids.sort_values("cluster_id", kind="mergesort")
    ids = table["cluster_id"].to_numpy(dtype=np.int64)
    columns = [RAW_PREFIX + name for name in fm.features]
    missing = [c for c in columns if c not in table.columns]
    raw = None if missing else table[columns].to_numpy(dtype=np.float64)
    if raw is None or not np.isfinite(raw).all():
        raise WarmStartError(
            "the stored run lacks the centroid of a feature of this run "
            f"({', '.join(missing) or 'a null or infinite centroid'})"
        )
    if len(ids) < 2:
        raise WarmStartError(
            f"the stored run has {len(ids)} cluster; the model selection "
            "measures k of 2 and more"
        )
    chosen = stored.model_selection.loc[
        stored.model_selection["is_chosen"].fillna(False).astype(bool), "k"
    ]
    if len(chosen) and int(chosen.iloc[0]) != len(ids):
        raise WarmStartError(
            f"the stored run's model selection chose k={int(chosen.iloc[0])} "
            f"but it holds {len(ids)} clusters"
        )
    start = standardised_start(fm, raw)
    return start, ids


def _carried_table(
    stored: pd.DataFrame,
    measured: pd.DataFrame,
    cfg: SegmentationConfig,
    k: int,
    reason: str,
) -> pd.DataFrame:
    """The stored rows of the other k and the measured row of ``k``, gates
    judged again, ``k`` chosen."""
    others = stored.loc[stored["k"].astype(int) != k, SELECTION_COLUMNS]
    table = pd.concat(
        [others.astype(measured.dtypes.to_dict()), measured], ignore_index=True
    )
    table = judge_gates(
        table.sort_values("k", kind="mergesort", ignore_index=True), cfg.gates()
    )
    is_chosen = table["k"] == k
    return table.assign(
        is_chosen=is_chosen,
        chosen_k_reason=pd.Series(
            np.where(is_chosen, reason, None), index=table.index, dtype=object
        ),
    )


def fit_from_stored(
    x: np.ndarray,
    start: np.ndarray,
    ids: np.ndarray,
    params: SelectionParams,
    *,
    max_match_distance: float | None,
    what: str = "cluster",
) -> tuple[KMeansResult, str]:
    """One Lloyd run on ``x`` from stored centroids (already in this run's z
    units), centroid ``i`` of stored id ``ids[i]``: the fit and how it went.

    Raises:
        WarmStartError: when a cluster empties or a centroid moves beyond
            ``max_match_distance`` (``what`` names the clusters in the text).
    """
    try:
        fit = kmeans_from(x, start, max_iter=params.max_iter, tol=params.tol)
    except EmptyClusterError as err:
        raise WarmStartError(
            f"stored {what} {ids[err.cluster]} lost every customer after "
            f"{err.iteration} Lloyd iterations from the stored centroids"
        ) from None
    moved = np.sqrt(((fit.centroids - start) ** 2).sum(axis=1))
    # The first of the farthest on ties: argmax takes the lowest index.
    far = int(np.argmax(moved))
    if max_match_distance is not None and moved[far] > max_match_distance:
        raise WarmStartError(
            f"the centroid of {what} {ids[far]} moved {moved[far]:.3f} z units "
            f"from the stored one, beyond $key = {max_match_distance:g}",
            "max_match_distance",
        )
    if fit.n_iter:
        how = (
            f"{fit.n_iter} Lloyd iteration{'' if fit.n_iter == 1 else 's'} "
            "from the stored centroids, which moved at most "
            f"{fmt_figure(float(moved[far]))} z units"
        )
    else:
        how = (
            "the stored centroids already fit these customers: a Lloyd step "
            "would move them less than the tolerance"
        )
    return fit, how


def warm_start(
    cfg: SegmentationConfig,
    fm: FeatureMatrix,
    fit_mask: np.ndarray,
    stored: StoredRun,
) -> WarmStart:
    """Keep the stored run's k and fit from its centroids (module docstring).

    Args:
        cfg: This run's settings.
        fm: This run's features (its own scaler).
        fit_mask: True for the customers the fit uses (not outliers).
        stored: The stored run.

    Raises:
        WarmStartError: when the stored run does not fit, a cluster
            empties, a centroid moves beyond ``max_match_distance`` or the
            result misses a quality threshold.
    """
    start, ids = start_centroids(stored, cfg, fm)
    k = len(ids)
    params = cfg.selection_params()
    x_fit = fm.x[fit_mask]
    fit, how = fit_from_stored(
        x_fit, start, ids, params, max_match_distance=cfg.max_match_distance
    )
    measured = evaluate_k_range(
        x_fit, [k], params, fits={k: fit}, assigned_also=fm.x[~fit_mask]
    ).table
    row = measured.iloc[0]
    missed = cfg.gates().misses(row)
    if missed:
        raise WarmStartError(
            f"the clusters fitted from the stored centroids (k={k}) miss "
            + ", ".join(
                f"{_placeholder(i)} ({text})" for i, (_, text) in enumerate(missed)
            ),
            *(key for key, _ in missed),
        )
    selection_reason = str(stored.record["selection_reason"])  # type: ignore[index]
    reason = (
        f"k={k} kept from the stored run: a refresh does not choose k again "
        f"but starts one K-means run from the stored centroids ({how}); "
        f"{row_figures(row)}; meets every quality threshold. The rows of the "
        f"other k are the figures of the last full selection: {selection_reason}"
    )
    table = _carried_table(stored.model_selection, measured, cfg, k, reason)  # type: ignore[arg-type]
    return WarmStart(
        k=k,
        ids=ids,
        start_z=start,
        fit=fit,
        table=table,
        selection=SelectionResult(table=table, fits={k: fit}),
        reason=reason,
        selection_reason=selection_reason,
        note=f"warm start from the stored run: k={k} kept, {how}",
    )
