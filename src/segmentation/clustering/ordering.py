"""Stable cluster ids.

K-means returns clusters in an arbitrary order; customers must not see their
cluster id change because of that. Ids (1..k) are therefore given by a rule:

Ordering rule (no previous run)
    Descending *value score* of the centroid: the mean over features of
    ``sign * z`` where ``sign`` is +1 for higher-is-better, -1 for
    lower-is-better (so recent customers score high) and neutral features are
    left out (score 0 when all are neutral). Ties (scores equal to 1e-9) go to the
    larger cluster, then to the lexicographically larger signed centroid, then to
    the lower internal index. Cluster 1 is the most valuable.

Matching to a previous run (optional)
    Given the previous run's centroids (its ``centroids`` table), new centroids are
    matched to previous ones by the Hungarian algorithm
    (``scipy.optimize.linear_sum_assignment``) minimising the total Euclidean
    distance in the current run's z units. Previous centroids are converted with
    the current transforms, means and standard deviations from their raw-unit
    columns ``centroid_<feature>`` when present (so a shift of the means between
    runs does not move them), else their ``centroid_z_<feature>`` columns are used
    as they are. A matched cluster keeps the previous id (unless farther than
    ``max_distance``); unmatched clusters take the smallest unused ids in the
    order of the rule above.

Kept ids (a warm start)
    When the new centroids were fitted by Lloyd iterations that started from
    the previous ones, centroid ``i`` from previous centroid ``i``, nothing is
    matched: cluster ``i`` keeps the previous id ``i``, and the match
    distance is how far its centroid moved from where it started.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy.optimize import linear_sum_assignment

from segmentation.clustering.features import FeatureMatrix

Z_PREFIX = "centroid_z_"
RAW_PREFIX = "centroid_"


def value_scores(centroids_z: np.ndarray, signs: np.ndarray) -> np.ndarray:
    """Mean of ``sign * z`` over the non-neutral features, per centroid."""
    centroids_z = np.atleast_2d(centroids_z)
    used = signs != 0
    if not used.any():
        return np.zeros(centroids_z.shape[0])
    return (centroids_z[:, used] * signs[used]).mean(axis=1)


def value_order(
    centroids_z: np.ndarray, counts: np.ndarray, signs: np.ndarray
) -> np.ndarray:
    """Internal cluster indices sorted by the ordering rule (best first)."""
    scores = np.round(value_scores(centroids_z, signs), 9)
    signed = np.atleast_2d(centroids_z) * np.where(signs == 0, 1.0, signs)
    keys = [np.arange(len(scores))]
    keys += [-signed[:, j] for j in range(signed.shape[1] - 1, -1, -1)]
    keys += [-np.asarray(counts, dtype=np.float64), -scores]
    return np.lexsort(keys)


def previous_centroids_in_z(
    previous: pd.DataFrame, features: FeatureMatrix
) -> np.ndarray:
    """Previous centroids expressed in the current run's z units.

    Raises:
        ValueError: when ``previous`` lacks ``cluster_id`` or a current feature.
    """
    names = features.features
    if "cluster_id" not in previous.columns:
        raise ValueError("previous centroids need a 'cluster_id' column")
    raw_cols = [RAW_PREFIX + f for f in names]
    z_cols = [Z_PREFIX + f for f in names]
    if all(c in previous.columns for c in raw_cols):
        raw = previous[raw_cols].to_numpy(dtype=np.float64)
        return features.standardise_raw(raw)
    if all(c in previous.columns for c in z_cols):
        return previous[z_cols].to_numpy(dtype=np.float64)
    missing = [c for c in z_cols if c not in previous.columns]
    raise ValueError(
        f"previous centroids lack columns for the current features: {missing} "
        f"(or the raw-unit columns {raw_cols})"
    )


def _matching_table(
    ids: np.ndarray, previous: np.ndarray, distance: np.ndarray
) -> pd.DataFrame:
    """One row per new cluster: its id, the previous id it kept (null when
    new) and the distance to that previous centroid; sorted by id."""
    return pd.DataFrame(
        {
            "cluster_id": ids,
            "previous_cluster_id": pd.array(
                [None if p < 0 else int(p) for p in previous], dtype="Int64"
            ),
            "match_distance": distance,
        }
    ).sort_values("cluster_id", ignore_index=True)


def keep_cluster_ids(
    centroids_z: np.ndarray, start_z: np.ndarray, start_ids: Sequence[int]
) -> tuple[np.ndarray, pd.DataFrame]:
    """Ids of centroids that Lloyd moved from ``start_z`` (row for row): each
    keeps the id it started with (see the module docstring).

    Returns:
        ``(ids, matching)`` as :func:`assign_cluster_ids` returns them, the
        ``match_distance`` being how far each centroid moved (z units).
    """
    ids = np.asarray(start_ids, dtype=np.int64)
    if ids.shape != (centroids_z.shape[0],) or start_z.shape != centroids_z.shape:
        raise ValueError("one start centroid and one id per centroid are needed")
    if len(set(ids.tolist())) != len(ids) or (ids < 1).any():
        raise ValueError("previous cluster ids must be distinct positive ints")
    moved = np.sqrt(((centroids_z - start_z) ** 2).sum(axis=1))
    return ids, _matching_table(ids, ids, moved)


def assign_cluster_ids(
    centroids_z: np.ndarray,
    counts: np.ndarray,
    signs: np.ndarray,
    *,
    previous_z: np.ndarray | None = None,
    previous_ids: Sequence[int] | None = None,
    max_distance: float | None = None,
) -> tuple[np.ndarray, pd.DataFrame]:
    """Cluster id (1-based) of every internal cluster index.

    Args:
        centroids_z: ``(k, p)`` new centroids in z units.
        counts: ``(k,)`` cluster sizes.
        signs: ``(p,)`` direction signs of the features.
        previous_z: ``(m, p)`` previous centroids in current z units, optional.
        previous_ids: The ``m`` previous cluster ids (positive ints).
        max_distance: Matches farther than this (z units) are not kept.

    Returns:
        ``(ids, matching)``: ``ids[i]`` is the id of internal cluster ``i``;
        ``matching`` has one row per new cluster: ``cluster_id``,
        ``previous_cluster_id`` (null when new), ``match_distance``.
    """
    k = centroids_z.shape[0]
    order = value_order(centroids_z, counts, signs)
    ids = np.zeros(k, dtype=np.int64)
    prev_of = np.full(k, -1, dtype=np.int64)
    dist_of = np.full(k, np.nan)
    if previous_z is not None and len(previous_z):
        if previous_ids is None or len(previous_ids) != len(previous_z):
            raise ValueError("previous_ids must give one id per previous centroid")
        prev_ids = np.asarray(previous_ids, dtype=np.int64)
        if len(set(prev_ids.tolist())) != len(prev_ids) or (prev_ids < 1).any():
            raise ValueError("previous cluster ids must be distinct positive ints")
        cost = np.sqrt(
            ((centroids_z[:, None, :] - previous_z[None, :, :]) ** 2).sum(axis=2)
        )
        rows, cols = linear_sum_assignment(cost)
        for r, c in zip(rows, cols, strict=True):
            if max_distance is None or cost[r, c] <= max_distance:
                ids[r] = prev_ids[c]
                prev_of[r] = prev_ids[c]
                dist_of[r] = cost[r, c]
    used = set(ids[ids > 0].tolist())
    next_id = 1
    for i in order:
        if ids[i] == 0:
            while next_id in used:
                next_id += 1
            ids[i] = next_id
            used.add(next_id)
    return ids, _matching_table(ids, prev_of, dist_of)
