"""Cluster quality measures: silhouette, Davies-Bouldin, Calinski-Harabasz, stability.

Davies-Bouldin and Calinski-Harabasz are computed here in O(n d) from the labels
(same definitions and edge cases as ``sklearn.metrics``; the tests compare them),
so they stay cheap on a million customers. The silhouette has scikit-learn's
definition too (blocked distance matrix, per-cluster sums by matrix product), exact
on up to ``exact_max`` points, otherwise on a seeded uniform sample.

Stability: ``B`` bootstrap resamples (with replacement) of ``bootstrap_size``
points are drawn; K-means is fitted on each; every fit labels the same evaluation
points (all points, or a seeded sample of ``bootstrap_size`` when there are more),
and the adjusted Rand index between those labels and the full fit's labels is
averaged over the resamples (comparison against the full fit, not pairwise).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sklearn.metrics import adjusted_rand_score

from segmentation.clustering.kmeans_core import (
    TooFewDistinctPointsError,
    kmeans,
    predict,
)
from segmentation.clustering.seeds import BOOTSTRAP, derive_seed, make_rng


def _cluster_means(
    x: np.ndarray, labels: np.ndarray, k: int
) -> tuple[np.ndarray, np.ndarray]:
    """Means of the labelled points per cluster (zeros for empty ones) and counts."""
    counts = np.bincount(labels, minlength=k)
    sums = np.empty((k, x.shape[1]), dtype=np.float64)
    for f in range(x.shape[1]):
        sums[:, f] = np.bincount(labels, weights=x[:, f], minlength=k)
    return sums / np.maximum(counts, 1)[:, None], counts


def _distances_to_means(
    x: np.ndarray, labels: np.ndarray, means: np.ndarray
) -> np.ndarray:
    """Exact squared distance of every point to the mean of its cluster."""
    sq = np.zeros(x.shape[0], dtype=np.float64)
    for f in range(x.shape[1]):
        diff = x[:, f] - means[labels, f]
        sq += diff * diff
    return sq


def davies_bouldin_and_calinski_harabasz(
    x: np.ndarray, labels: np.ndarray, k: int
) -> tuple[float, float]:
    """Davies-Bouldin (lower is better) and Calinski-Harabasz (higher is better).

    Centroids are the means of the labelled points; empty labels are ignored.
    """
    means, counts = _cluster_means(x, labels, k)
    present = counts > 0
    n_labels = int(present.sum())
    n = x.shape[0]
    if n_labels < 2 or n_labels >= n:
        return float("nan"), float("nan")
    sq = _distances_to_means(x, labels, means)
    intra = float(sq.sum())
    overall = x.mean(axis=0)
    extra = float(
        (counts[present] * ((means[present] - overall) ** 2).sum(axis=1)).sum()
    )
    ch = 1.0 if intra == 0.0 else extra * (n - n_labels) / (intra * (n_labels - 1))
    scatter = (
        np.bincount(labels, weights=np.sqrt(sq), minlength=k)[present] / counts[present]
    )
    m = means[present]
    centre_dist = np.sqrt(((m[:, None, :] - m[None, :, :]) ** 2).sum(axis=2))
    if np.allclose(scatter, 0) or np.allclose(centre_dist, 0):
        return 0.0, ch
    centre_dist[centre_dist == 0] = np.inf
    combined = (scatter[:, None] + scatter[None, :]) / centre_dist
    np.fill_diagonal(combined, -np.inf)
    return float(np.mean(combined.max(axis=1))), ch


#: Largest number of points whose distance matrix is kept for every k of a
#: model selection (5,000 points: 200 MB of float64).
DISTANCE_CACHE_MAX = 5_000


def pairwise_distances(x: np.ndarray, *, block: int = 4_000_000) -> np.ndarray:
    """Euclidean distances between all rows of ``x`` (``m x m``, zero
    diagonal), computed in row blocks as :func:`silhouette_samples` does, so
    the silhouette of many labelings of the same points pays for them once."""
    m = x.shape[0]
    left, right = _expanded(x)
    out = np.empty((m, m), dtype=np.float64)
    rows = max(1, block // max(m, 1))
    for start in range(0, m, rows):
        stop = min(start + rows, m)
        d = out[start:stop]
        np.matmul(left[start:stop], right, out=d)
        np.maximum(d, 0.0, out=d)
        np.sqrt(d, out=d)
        d[np.arange(stop - start), np.arange(start, stop)] = 0.0
    return out


def _expanded(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``[a, ||a||^2, 1]`` and ``[-2b, 1, ||b||^2]^T``: their product is the
    squared distance matrix, one matrix product per block."""
    xx = np.einsum("ij,ij->i", x, x)
    ones = np.ones((x.shape[0], 1))
    left = np.hstack([x, xx[:, None], ones])
    right = np.ascontiguousarray(np.hstack([-2.0 * x, ones, xx[:, None]]).T)
    return left, right


def _silhouette_from_sums(
    sums: np.ndarray, lab: np.ndarray, counts: np.ndarray
) -> np.ndarray:
    """Silhouettes from each point's summed distance to every cluster."""
    m = lab.shape[0]
    idx = np.arange(m)
    own = counts[lab]
    with np.errstate(divide="ignore", invalid="ignore"):
        a = sums[idx, lab] / (own - 1)
        sums[idx, lab] = np.inf
        b = (sums / counts).min(axis=1)
        s = (b - a) / np.maximum(a, b)
    s[own == 1] = 0.0
    return np.nan_to_num(s)


def _one_hot(labels: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Dense labels 0..c-1, their counts and the ``m x c`` one-hot matrix."""
    m = labels.shape[0]
    _, lab = np.unique(labels, return_inverse=True)
    counts = np.bincount(lab)
    onehot = np.zeros((m, counts.size), dtype=np.float64)
    onehot[np.arange(m), lab] = 1.0
    return lab, counts, onehot


def silhouette_samples(
    x: np.ndarray, labels: np.ndarray, *, block: int = 4_000_000
) -> np.ndarray:
    """Silhouette of every point, same definition as ``sklearn.metrics``.

    ``a`` = mean distance to the other points of its cluster, ``b`` = smallest
    mean distance to the points of another cluster, ``s = (b - a) / max(a, b)``,
    0 for points alone in their cluster. Distances come in row blocks of at most
    ``block`` entries; per-cluster sums are a matrix product with the one-hot
    labels, which is much faster than scikit-learn's per-row reduction.
    """
    m = x.shape[0]
    lab, counts, onehot = _one_hot(labels)
    left, right = _expanded(x)
    sums = np.empty((m, counts.size), dtype=np.float64)
    rows = max(1, block // max(m, 1))
    for start in range(0, m, rows):
        stop = min(start + rows, m)
        d = left[start:stop] @ right
        np.maximum(d, 0.0, out=d)
        np.sqrt(d, out=d)
        d[np.arange(stop - start), np.arange(start, stop)] = 0.0
        sums[start:stop] = d @ onehot
    return _silhouette_from_sums(sums, lab, counts)


def silhouette(
    x: np.ndarray,
    labels: np.ndarray,
    sample: np.ndarray | None,
    *,
    distances: np.ndarray | None = None,
) -> float:
    """Mean silhouette on all points (``sample is None``) or on ``sample`` indices.

    ``distances``, when given, is :func:`pairwise_distances` of those same
    points, shared by every labeling of them. Returns NaN when the points
    carry fewer than 2 or more than ``n - 1`` labels (where scikit-learn
    raises).
    """
    xs = x if sample is None else x[sample]
    ls = labels if sample is None else labels[sample]
    n_labels = np.unique(ls).size
    if n_labels < 2 or n_labels > xs.shape[0] - 1:
        return float("nan")
    if distances is None:
        return float(np.mean(silhouette_samples(xs, ls)))
    lab, counts, onehot = _one_hot(ls)
    return float(np.mean(_silhouette_from_sums(distances @ onehot, lab, counts)))


def silhouette_plan(
    n: int, *, exact_max: int, sample_size: int, seed: int, stream: int
) -> tuple[np.ndarray | None, str, int]:
    """Decide how to compute the silhouette: ``(sample or None, method, size)``.

    ``method`` is ``"exact"`` when ``n <= exact_max`` (all points) and
    ``"sampled"`` otherwise (a seeded uniform sample of ``sample_size`` points,
    sorted, the same for every k).
    """
    if n <= exact_max:
        return None, "exact", n
    size = min(sample_size, n)
    idx = np.sort(make_rng(seed, stream).choice(n, size=size, replace=False))
    return idx, "sampled", size


@dataclass(frozen=True)
class BootstrapPlan:
    """Index sets shared by every k: resamples and evaluation points."""

    resamples: tuple[np.ndarray, ...]
    evaluation: np.ndarray | None


def bootstrap_plan(
    n: int, *, n_bootstrap: int, bootstrap_size: int, seed: int, eval_stream: int
) -> BootstrapPlan:
    """Draw ``n_bootstrap`` resamples of ``min(n, bootstrap_size)`` points."""
    size = min(n, bootstrap_size)
    rng = make_rng(seed, BOOTSTRAP)
    resamples = tuple(
        np.sort(rng.integers(0, n, size=size)) for _ in range(n_bootstrap)
    )
    evaluation = None
    if n > bootstrap_size:
        evaluation = np.sort(
            make_rng(seed, eval_stream).choice(n, size=bootstrap_size, replace=False)
        )
    return BootstrapPlan(resamples=resamples, evaluation=evaluation)


def bootstrap_stability(
    x: np.ndarray,
    labels: np.ndarray,
    k: int,
    plan: BootstrapPlan,
    *,
    seed: int,
    n_init: int,
    max_iter: int,
    tol: float,
) -> tuple[float, int]:
    """Mean ARI between the full fit and fits on bootstrap resamples.

    Resamples with fewer than ``k`` distinct points are skipped.

    Returns:
        ``(mean ARI or NaN when no resample could be fitted, resamples used)``.
    """
    eval_x = x if plan.evaluation is None else x[plan.evaluation]
    eval_labels = labels if plan.evaluation is None else labels[plan.evaluation]
    scores: list[float] = []
    for b, idx in enumerate(plan.resamples):
        try:
            fit = kmeans(
                x[idx],
                k,
                seed=derive_seed(seed, BOOTSTRAP, k, b),
                n_init=n_init,
                max_iter=max_iter,
                tol=tol,
                init_sample_size=None,
            )
        except TooFewDistinctPointsError:
            continue
        predicted = predict(eval_x, fit.centroids)
        scores.append(float(adjusted_rand_score(eval_labels, predicted)))
    if not scores:
        return float("nan"), 0
    return float(np.mean(scores)), len(scores)
