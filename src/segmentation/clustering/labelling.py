"""From fitted centroids to per-customer cluster ids with stable numbering."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from segmentation.clustering.distances import nearest_two
from segmentation.clustering.ordering import assign_cluster_ids, keep_cluster_ids


@dataclass(frozen=True)
class LabelledClusters:
    """Every customer labelled with a stable cluster id.

    Attributes:
        cluster_id: ``(n,)`` id (1-based) of every customer's nearest centroid.
        distance: ``(n,)`` Euclidean distance (z units) to that centroid.
        distance_next: ``(n,)`` distance to the second-nearest centroid.
        ids: ``(k,)`` cluster ids, ascending.
        centroids_z: ``(k, p)`` centroids, row ``i`` belongs to ``ids[i]``.
        counts: ``(k,)`` customers per cluster (all customers, outliers included).
        matching: Output of :func:`assign_cluster_ids` (previous-run matching).
    """

    cluster_id: np.ndarray
    distance: np.ndarray
    distance_next: np.ndarray
    ids: np.ndarray
    centroids_z: np.ndarray
    counts: np.ndarray
    matching: pd.DataFrame


def label_customers(
    x: np.ndarray,
    centroids: np.ndarray,
    signs: np.ndarray,
    *,
    previous_z: np.ndarray | None = None,
    previous_ids: np.ndarray | None = None,
    max_distance: float | None = None,
    keep_ids: bool = False,
) -> LabelledClusters:
    """Assign every row of ``x`` (outliers included) to its nearest centroid and
    number the clusters by the stable-id rules of :mod:`ordering`.

    Args:
        x: ``(n, p)`` z-scores of all customers.
        centroids: ``(k, p)`` fitted centroids (internal order).
        signs: Feature direction signs.
        previous_z: Previous run's centroids in current z units (optional).
        previous_ids: Their cluster ids.
        max_distance: Maximum matching distance (z units), optional.
        keep_ids: Centroid ``i`` was fitted from ``previous_z[i]`` (a warm
            start), so it keeps ``previous_ids[i]`` without matching.
    """
    labels, d1, d2 = nearest_two(x, centroids)
    k = centroids.shape[0]
    counts = np.bincount(labels, minlength=k)
    if keep_ids:
        if previous_z is None or previous_ids is None:
            raise ValueError("keep_ids needs the previous centroids and their ids")
        ids, matching = keep_cluster_ids(centroids, previous_z, previous_ids)
    else:
        ids, matching = assign_cluster_ids(
            centroids,
            counts,
            signs,
            previous_z=previous_z,
            previous_ids=previous_ids,
            max_distance=max_distance,
        )
    order = np.argsort(ids, kind="stable")
    return LabelledClusters(
        cluster_id=ids[labels],
        distance=d1,
        distance_next=d2,
        ids=ids[order],
        centroids_z=centroids[order],
        counts=counts[order],
        matching=matching,
    )
