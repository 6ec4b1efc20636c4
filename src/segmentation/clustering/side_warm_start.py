"""Warm start of the side fits: the side-by-side k and the splits.

Besides its main fit, a run fits K-means for every k of ``compare_k``
(:mod:`.compare`) and for every oversized cluster it splits (:mod:`.split`),
each with its ``n_init`` seeded restarts, and a split over every k of
``split_k_range``. A refresh whose main fit starts from the stored run
(:mod:`.warm_start`) starts these the same way:

1. the stored run kept the centroids of each side fit in raw units
   (:func:`side_centroid_table`, :data:`SIDE_COLUMNS`): per side-by-side k,
   per split cluster its sub-clusters;
2. :func:`side_starts` maps them into this run's z units through this run's
   transforms and scaler, as the main fit's stored centroids are mapped;
3. :mod:`.compare` and :mod:`.split` run Lloyd once from them
   (:func:`.warm_start.fit_from_stored`): no seeding, no restarts, cluster
   ``i`` keeps stored id ``i``; the centroids the customers already fit stay
   where they are, so unchanged data give the stored fits back.

A side fit falls back to its full fit, and the reason is logged and noted,
when: the main fit did not start from the stored run (the side fits then
come from the full choice of k, as in a full build); the stored run kept no
side centroids; it has no fit of that k, or did not split that cluster; the
split settings (:data:`.warm_start.SPLIT_SETTINGS`) differ; a cluster
empties; a centroid moves beyond ``max_match_distance``; a split misses the
stability floor its full choice applies. The settings, the features and the
customers left out as outliers are those of the main fit, which the main
warm start has checked. No quality threshold applies to a side-by-side k (a
full run shows every k of ``compare_k`` whatever its figures).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from segmentation.clustering.config import SegmentationConfig
from segmentation.clustering.errors import config_key_name
from segmentation.clustering.features import FeatureMatrix
from segmentation.clustering.kmeans_core import KMeansResult
from segmentation.clustering.ordering import Z_PREFIX
from segmentation.clustering.selection import SelectionParams
from segmentation.clustering.warm_start import (
    SPLIT_SETTINGS,
    StoredRun,
    WarmStartError,
    changed_settings,
    fit_from_stored,
    settings_refusal,
    standardised_start,
)

# Each side fit's outcome is shown with the build's progress lines.
logger = logging.getLogger(__name__)

#: Columns of :func:`side_centroid_table`: which side fit (``compare`` or
#: ``split``), the split cluster (null for ``compare``), the fit's k, the
#: cluster (or sub-cluster) id, the feature and the centroid in raw units.
SIDE_COLUMNS = ["fit", "parent_cluster_id", "k", "cluster_id", "feature", "centroid"]
#: ``fit`` of a side-by-side k.
COMPARE = "compare"
#: ``fit`` of the sub-clusters of a split cluster.
SPLIT = "split"


@dataclass(frozen=True)
class SideStart:
    """Stored centroids that start one side fit.

    Attributes:
        ids: ``(m,)`` stored cluster ids, ascending.
        start_z: ``(m, p)`` their centroids in this run's z units, row ``i``
            of ``ids[i]``.
    """

    ids: np.ndarray
    start_z: np.ndarray


@dataclass(frozen=True)
class SideStarts:
    """Where the side fits of a refresh start (:func:`side_starts`).

    Attributes:
        compare: By k: its stored start, or why it has none usable.
        split: By split cluster id: its stored start, or why none.
        refused: Why no side fit starts from the stored run (None: each
            may).
        split_refused: Why no split does (other split settings).
        max_match_distance: Farthest a centroid may move (z units).
        setting_name: How the notes name a setting.
    """

    compare: Mapping[int, SideStart | WarmStartError] = field(default_factory=dict)
    split: Mapping[int, SideStart | WarmStartError] = field(default_factory=dict)
    refused: WarmStartError | None = None
    split_refused: WarmStartError | None = None
    max_match_distance: float | None = None
    setting_name: Callable[[str], str] = config_key_name

    def start(self, fit: str, key: int) -> SideStart:
        """The start of the side-by-side ``k = key`` (``fit`` COMPARE) or of
        the split of cluster ``key`` (SPLIT).

        Raises:
            WarmStartError: when that fit cannot start from the stored run.
        """
        refused = self.refused or (self.split_refused if fit == SPLIT else None)
        found = refused or (self.compare if fit == COMPARE else self.split).get(key)
        if found is None:
            found = WarmStartError(
                f"the stored run has no side-by-side fit of k={key}"
                if fit == COMPARE
                else f"the stored run did not split cluster {key}"
            )
        if isinstance(found, WarmStartError):
            raise WarmStartError(found.template, *found.keys)
        return found

    def fit_from_start(
        self,
        fit: str,
        key: int,
        x: np.ndarray,
        params: SelectionParams,
        *,
        what: str = "cluster",
    ) -> tuple[SideStart, KMeansResult, str]:
        """One Lloyd run on ``x`` from the :meth:`start` of that side fit
        (:func:`.warm_start.fit_from_stored`, within ``max_match_distance``):
        the start, the fit and how it went.

        Raises:
            WarmStartError: when there is no usable start, a cluster
                empties or a centroid moves too far.
        """
        start = self.start(fit, key)
        result, how = fit_from_stored(
            x,
            start.start_z,
            start.ids,
            params,
            max_match_distance=self.max_match_distance,
            what=what,
        )
        return start, result, how

    def warm_note(self, what: str, k: int, how: str) -> str:
        """The note of a side fit that started from the stored one, logged."""
        note = f"{what}: warm start from the stored fit: k={k} kept, {how}"
        logger.info("K-means: %s", note)
        return note

    def fallback_note(self, what: str, instead: str, err: WarmStartError) -> str:
        """The note of a side fit fitted in full, logged; ``instead`` says
        how, its settings already named by ``setting_name``."""
        note = f"{what}: no warm start, so {instead}: {err.render(self.setting_name)}"
        logger.warning("K-means: %s", note)
        return note


def _side_start(rows: pd.DataFrame, fm: FeatureMatrix) -> SideStart | WarmStartError:
    """One stored side fit's start in this run's z units, or why none."""
    wide = rows.pivot(index="cluster_id", columns="feature", values="centroid")
    wide = wide.sort_index()
    missing = [f for f in fm.features if f not in wide.columns]
    raw = None if missing else wide[fm.features].to_numpy(dtype=np.float64)
    if raw is None or not np.isfinite(raw).all():
        return WarmStartError(
            "the stored fit lacks the centroid of a feature of this run "
            f"({', '.join(missing) or 'a null or infinite centroid'})"
        )
    try:
        start = standardised_start(fm, raw)
    except WarmStartError as err:
        return err
    return SideStart(ids=wide.index.to_numpy(dtype=np.int64), start_z=start)


def side_starts(
    stored: StoredRun,
    cfg: SegmentationConfig,
    fm: FeatureMatrix,
    *,
    main_warm: bool,
    setting_name: Callable[[str], str] = config_key_name,
) -> SideStarts:
    """The starts of this run's side fits from the stored run (module
    docstring); ``main_warm`` says whether the main fit started from it."""
    common = {
        "max_match_distance": cfg.max_match_distance,
        "setting_name": setting_name,
    }
    if not main_warm:
        return SideStarts(
            refused=WarmStartError(
                "the main fit did not start from the stored run (see its line), "
                "so none of the side fits does"
            ),
            **common,
        )
    table = stored.side_centroids
    if table is None:
        return SideStarts(
            refused=WarmStartError(
                "the stored run recorded no centroids of its side-by-side k and "
                "splits (a run made before they were recorded)"
            ),
            **common,
        )
    # A main fit that started from the stored run had its record.
    record = stored.record
    assert record is not None
    changed = changed_settings(record, cfg, only=SPLIT_SETTINGS)
    split_refused = (
        WarmStartError(
            settings_refusal("the stored run split its clusters", changed),
            *(key for key, _, _ in changed),
        )
        if changed
        else None
    )
    compare: dict[int, SideStart | WarmStartError] = {}
    for k, rows in table.loc[table["fit"] == COMPARE].groupby("k", sort=True):
        start = _side_start(rows, fm)
        if isinstance(start, SideStart) and len(start.ids) != int(k):
            start = WarmStartError(
                f"the stored fit of k={int(k)} holds {len(start.ids)} clusters"
            )
        compare[int(k)] = start
    split = {
        int(parent): _side_start(rows, fm)
        for parent, rows in table.loc[table["fit"] == SPLIT].groupby(
            "parent_cluster_id", sort=True
        )
    }
    return SideStarts(compare, split, None, split_refused, **common)


def _long(
    frame: pd.DataFrame,
    fm: FeatureMatrix,
    *,
    fit: str,
    parent: pd.Series | None,
    k: pd.Series,
    cluster_id: pd.Series,
) -> pd.DataFrame:
    """Centroids given in z units (``centroid_z_<feature>`` columns of
    ``frame``) as rows of :data:`SIDE_COLUMNS`, in raw units."""
    raw = fm.inverse_transform(
        frame[[Z_PREFIX + f for f in fm.features]].to_numpy(dtype=np.float64)
    )
    n, p = raw.shape
    parents = (
        pd.array([pd.NA] * n, dtype="Int64")
        if parent is None
        else pd.array(parent.to_numpy(), dtype="Int64")
    )
    return pd.DataFrame(
        {
            "fit": fit,
            "parent_cluster_id": np.repeat(parents, p),
            "k": np.repeat(k.to_numpy(dtype=np.int64), p),
            "cluster_id": np.repeat(cluster_id.to_numpy(dtype=np.int64), p),
            "feature": np.tile(np.array(fm.features, dtype=object), n),
            "centroid": raw.reshape(-1),
        },
        columns=SIDE_COLUMNS,
    )


def side_centroid_table(
    compare_centroids: pd.DataFrame, sub_clusters: pd.DataFrame, fm: FeatureMatrix
) -> pd.DataFrame:
    """What a run stores of its side fits for the next refresh: one row per
    cluster and feature of each side-by-side k (``compare_centroids``:
    ``k``, ``cluster_id``, ``centroid_z_<feature>``) and of each split
    (``sub_clusters`` of :class:`.split.SplitResult`), centroids in raw
    units, sorted by fit, split cluster, k and cluster."""
    subs_per_parent = sub_clusters.groupby("cluster_id")["sub_cluster_id"].transform(
        "size"
    )
    table = pd.concat(
        [
            _long(
                compare_centroids,
                fm,
                fit=COMPARE,
                parent=None,
                k=compare_centroids["k"],
                cluster_id=compare_centroids["cluster_id"],
            ),
            _long(
                sub_clusters,
                fm,
                fit=SPLIT,
                parent=sub_clusters["cluster_id"],
                k=subs_per_parent,
                cluster_id=sub_clusters["sub_cluster_id"],
            ),
        ],
        ignore_index=True,
    )
    return table.astype(
        {"parent_cluster_id": "Int64", "k": "int64", "cluster_id": "int64"}
    ).reset_index(drop=True)
