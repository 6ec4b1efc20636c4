"""K-means (Lloyd) with greedy k-means++ seeding, in vectorised numpy.

Algorithm, for one call of :func:`kmeans`:

1. ``n_init`` candidate runs. Each starts from greedy k-means++ (the first centre
   uniformly at random, every next centre the best of ``2 + ln k`` candidates drawn
   with probability proportional to the squared distance to the nearest chosen
   centre, as in scikit-learn) and runs Lloyd iterations to convergence.
   When there are more than ``init_sample_size`` points, the candidate runs use a
   seeded uniform sample of that size (without replacement) instead of all points.
2. The candidate with the lowest inertia wins (the earliest one on ties). If a
   sample was used, the winner is refined by Lloyd iterations on nested samples
   ten times larger each (prefixes of one seeded permutation: 20k, 200k, ...) and
   finally on all points; each stage starts close to its optimum, so the
   expensive full-data stage needs only a few iterations.
3. Lloyd stops when the labels no longer change, when the summed squared centroid
   shift is at most ``tol * mean feature variance`` (scikit-learn's rule) or after
   ``max_iter`` iterations. The returned labels are always the nearest centroid of
   every point (lowest centroid index on exact ties) and the inertia is the sum of
   squared distances to it.

Empty clusters are re-seeded deterministically: the empty centroids move to the
points farthest from their current centroid (largest distance first, lowest row
index on ties). Every random draw comes from ``numpy.random.default_rng(seed)``;
the same data in the same row order gives bit-identical results.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from segmentation.clustering.distances import (
    DEFAULT_CHUNK_SIZE,
    as_float_matrix,
    assign_nearest,
    assign_nearest_two,
    count_distinct_rows,
    single_threaded_blas,
    squared_norms,
    with_single_threaded_blas,
)
from segmentation.clustering.errors import TooFewDistinctPointsError

__all__ = [
    "EmptyClusterError",
    "KMeansResult",
    "TooFewDistinctPointsError",
    "kmeans",
    "kmeans_from",
    "lloyd",
    "predict",
]

#: Default number of points used for the ``n_init`` candidate runs on big inputs.
DEFAULT_INIT_SAMPLE_SIZE = 20_000
#: Growth of the nested samples between refinement stages.
REFINE_FACTOR = 10


class EmptyClusterError(RuntimeError):
    """A run that must keep its clusters lost every point of one.

    Attributes:
        cluster: Index (``0..k-1``) of the cluster that emptied.
        iteration: Lloyd iteration (0 = the assignment to the start).
    """

    def __init__(self, cluster: int, iteration: int) -> None:
        self.cluster = cluster
        self.iteration = iteration
        super().__init__(
            f"cluster {cluster} has no point left after {iteration} Lloyd iterations"
        )


@dataclass(frozen=True)
class KMeansResult:
    """Outcome of :func:`kmeans`.

    Attributes:
        centroids: ``(k, d)`` float64 cluster centres.
        labels: ``(n,)`` int32 cluster index (``0..k-1``) of every point.
        inertia: Sum of squared distances of the points to their centroid.
        n_iter: Lloyd iterations of the returned run on all points.
        converged: Whether that run stopped before ``max_iter``.
        counts: ``(k,)`` int64 number of points per cluster.
        best_init: Index (``0..n_init-1``) of the winning candidate run.
        init_sample_size: Points used by the candidate runs (``n`` when no sample).
    """

    centroids: np.ndarray
    labels: np.ndarray
    inertia: float
    n_iter: int
    converged: bool
    counts: np.ndarray
    best_init: int
    init_sample_size: int

    @property
    def k(self) -> int:
        """Number of clusters."""
        return int(self.centroids.shape[0])

    @classmethod
    def of_run(
        cls,
        run: tuple[np.ndarray, np.ndarray, np.ndarray, int, bool],
        *,
        best_init: int,
        init_sample_size: int,
    ) -> KMeansResult:
        """The result of a :func:`lloyd` run ``(centroids, labels, sq_dist,
        n_iter, converged)``: its inertia and cluster sizes counted here."""
        centroids, labels, sq_dist, n_iter, converged = run
        return cls(
            centroids=centroids,
            labels=labels,
            inertia=float(sq_dist.sum()),
            n_iter=n_iter,
            converged=converged,
            counts=np.bincount(labels, minlength=len(centroids)).astype(np.int64),
            best_init=best_init,
            init_sample_size=init_sample_size,
        )


def _exact_sq_dist(xt: np.ndarray, points: np.ndarray) -> np.ndarray:
    """Exact squared distances ``(len(points), n)`` between points and all columns."""
    out = np.zeros((points.shape[0], xt.shape[1]), dtype=np.float64)
    for f in range(xt.shape[0]):
        diff = xt[f][None, :] - points[:, f][:, None]
        out += diff * diff
    return out


def kmeans_plus_plus(
    xt: np.ndarray,
    k: int,
    rng: np.random.Generator,
    *,
    n_local_trials: int | None = None,
) -> np.ndarray:
    """Greedy k-means++ seeding on transposed points ``xt`` (d x n).

    Args:
        xt: Points, shape ``(d, n)``.
        k: Number of centres.
        rng: Random generator.
        n_local_trials: Candidates per step; default ``2 + int(ln k)``; 1 gives
            plain k-means++.

    Returns:
        ``(k, d)`` centres, all distinct data points.

    Raises:
        TooFewDistinctPointsError: when fewer than ``k`` distinct points exist.
    """
    n = xt.shape[1]
    trials = n_local_trials if n_local_trials is not None else 2 + int(math.log(k))
    chosen = np.empty(k, dtype=np.intp)
    chosen[0] = rng.integers(n)
    closest = _exact_sq_dist(xt, xt[:, chosen[:1]].T)[0]
    for c in range(1, k):
        cumulative = np.cumsum(closest)
        potential = cumulative[-1]
        if not potential > 0.0:
            raise TooFewDistinctPointsError(k, c)
        draws = rng.random(trials) * potential
        candidates = np.searchsorted(cumulative, draws, side="right")
        np.minimum(candidates, n - 1, out=candidates)
        cand_dist = _exact_sq_dist(xt, xt[:, candidates].T)
        np.minimum(cand_dist, closest[None, :], out=cand_dist)
        best = int(np.argmin(cand_dist.sum(axis=1)))
        chosen[c] = candidates[best]
        closest = cand_dist[best]
    return np.ascontiguousarray(xt[:, chosen].T)


def _update_centroids(
    xt: np.ndarray,
    labels: np.ndarray,
    sq_dist: np.ndarray,
    centroids: np.ndarray,
) -> np.ndarray:
    """Means of the clusters; empty clusters move to the farthest points."""
    k, d = centroids.shape
    counts = np.bincount(labels, minlength=k)
    sums = np.empty((k, d), dtype=np.float64)
    for f in range(d):
        sums[:, f] = np.bincount(labels, weights=xt[f], minlength=k)
    empty = np.flatnonzero(counts == 0)
    new = sums / np.maximum(counts, 1)[:, None]
    if empty.size:
        far = _farthest_points(sq_dist, empty.size)
        new[empty] = xt[:, far].T
    return new


def _farthest_points(sq_dist: np.ndarray, m: int) -> np.ndarray:
    """Indices of the ``m`` largest distances (largest first, lowest index on ties)."""
    m = min(m, sq_dist.size)
    threshold = np.partition(sq_dist, sq_dist.size - m)[sq_dist.size - m]
    idx = np.flatnonzero(sq_dist >= threshold)
    order = np.lexsort((idx, -sq_dist[idx]))
    return idx[order[:m]]


def lloyd(
    xt: np.ndarray,
    centroids: np.ndarray,
    *,
    max_iter: int,
    tol_abs: float,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    xx: np.ndarray | None = None,
    keep_clusters: bool = False,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, int, bool]:
    """Lloyd iterations from ``centroids`` on transposed points ``xt`` (d x n).

    Each iteration assigns every point to its nearest centroid and moves the
    centroids to the means. Bounds (Hamerly's) spare most distance passes:
    every point keeps an upper bound on the distance to its own centroid and a
    lower bound on the distance to any other one; after the centroids move by
    ``s_j``, the first grows by its centroid's ``s_j`` and the second shrinks
    by the largest ``s_j``. A point whose upper bound stays below its lower
    bound (by a margin far above the rounding of the distances) cannot change
    cluster, so only the other points are measured again. The labels are those
    of measuring every point each time; the means, the stopping rule and the
    returned squared distances are computed exactly as without the bounds.

    An empty cluster moves to the farthest points, unless ``keep_clusters``:
    then cluster ``i`` must stay the one that started at ``centroids[i]``,
    and an empty cluster raises :class:`EmptyClusterError` instead.

    Returns:
        ``(centroids, labels, sq_dist, n_iter, converged)`` with labels consistent
        with the returned centroids (nearest centroid of every point).
    """
    if xx is None:
        xx = squared_norms(xt)
    c = np.array(centroids, dtype=np.float64, copy=True)
    labels, sq_dist, sq_next = assign_nearest_two(xt, xx, c, chunk_size=chunk_size)
    upper, lower = np.sqrt(sq_dist), np.sqrt(sq_next)
    # Distances come from ||x||^2 - 2 x.c + ||c||^2: near zero their square
    # root can be off by about sqrt(eps) times the largest norm.
    margin = 1e-6 * (1.0 + float(np.sqrt(xx.max(initial=0.0))))
    exact = True  # sq_dist holds every point's distance to c right now
    for it in range(max_iter):
        if it:
            moved = _reassign(xt, xx, c, labels, upper, lower, margin, chunk_size)
            exact = False
            if not moved:
                labels, sq_dist = assign_nearest(xt, xx, c, chunk_size=chunk_size)
                return c, labels, sq_dist, it, True
        counts = np.bincount(labels, minlength=c.shape[0])
        if keep_clusters and (counts == 0).any():
            # The labels are exact even where the distances are bounds.
            raise EmptyClusterError(int(np.flatnonzero(counts == 0)[0]), it)
        if not exact and (counts == 0).any():
            # An empty cluster moves to the farthest points: measure them all.
            labels, sq_dist = assign_nearest(xt, xx, c, chunk_size=chunk_size)
        new = _update_centroids(xt, labels, sq_dist, c)
        step = np.sqrt(((new - c) ** 2).sum(axis=1))
        shift = float(((new - c) ** 2).sum())
        c = new
        if shift <= tol_abs:
            labels, sq_dist = assign_nearest(xt, xx, c, chunk_size=chunk_size)
            return c, labels, sq_dist, it + 1, True
        upper += step[labels]
        lower -= step.max()
    labels, sq_dist = assign_nearest(xt, xx, c, chunk_size=chunk_size)
    return c, labels, sq_dist, max_iter, False


def _reassign(
    xt: np.ndarray,
    xx: np.ndarray,
    centroids: np.ndarray,
    labels: np.ndarray,
    upper: np.ndarray,
    lower: np.ndarray,
    margin: float,
    chunk_size: int,
) -> bool:
    """Measure again the points whose bounds no longer prove their cluster;
    update their labels and bounds in place. True when a label changed."""
    unsure = np.flatnonzero(upper + margin >= lower)
    if not unsure.size:
        return False
    lab, sq, sq_next = assign_nearest_two(
        np.ascontiguousarray(xt[:, unsure]),
        xx[unsure],
        centroids,
        chunk_size=chunk_size,
    )
    moved = bool((lab != labels[unsure]).any())
    labels[unsure] = lab
    upper[unsure] = np.sqrt(sq)
    lower[unsure] = np.sqrt(sq_next)
    return moved


def _stage_sizes(n: int, init_sample_size: int | None) -> list[int]:
    """Points per stage: candidate runs on the first, refinements on the others."""
    if init_sample_size is None or n <= init_sample_size:
        return [n]
    sizes = [init_sample_size]
    while sizes[-1] * REFINE_FACTOR < n:
        sizes.append(sizes[-1] * REFINE_FACTOR)
    return [*sizes, n]


def _validate_args(n: int, k: int, n_init: int, max_iter: int, tol: float) -> None:
    """ValueError on a bad k, n_init, max_iter, tol or empty data."""
    if isinstance(k, bool) or not isinstance(k, int | np.integer) or k < 1:
        raise ValueError(f"k must be a positive int, got {k!r}")
    if n_init < 1:
        raise ValueError(f"n_init must be >= 1, got {n_init}")
    if max_iter < 1:
        raise ValueError(f"max_iter must be >= 1, got {max_iter}")
    if not tol >= 0:
        raise ValueError(f"tol must be >= 0, got {tol}")
    if n == 0:
        raise ValueError("cannot cluster an empty data set (0 customers)")


@with_single_threaded_blas
def kmeans(
    data: np.ndarray | pd.DataFrame,
    k: int,
    *,
    seed: int,
    n_init: int = 10,
    max_iter: int = 300,
    tol: float = 1e-4,
    init_sample_size: int | None = DEFAULT_INIT_SAMPLE_SIZE,
    n_local_trials: int | None = None,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
) -> KMeansResult:
    """Cluster the rows of ``data`` into ``k`` groups (see the module docstring).

    Args:
        data: ``(n, d)`` finite numeric matrix (array or numeric DataFrame).
        k: Number of clusters.
        seed: Seed of ``numpy.random.default_rng``.
        n_init: Number of seeded candidate runs; the lowest inertia wins.
        max_iter: Maximum Lloyd iterations per run.
        tol: Relative tolerance on the centroid shift (times mean feature variance).
        init_sample_size: Candidate runs use this many sampled points when ``n`` is
            larger; ``None`` always uses all points.
        n_local_trials: k-means++ candidates per centre (default ``2 + ln k``).
        chunk_size: Points per distance block (memory ~ ``k * chunk_size * 8`` B).

    Raises:
        TooFewDistinctPointsError: if the data has fewer than ``k`` distinct rows
            (its ``k`` and ``n_distinct`` say how many).
    """
    x = as_float_matrix(data)
    n = x.shape[0]
    _validate_args(n, k, n_init, max_iter, tol)
    k = int(k)
    if k > n:
        raise TooFewDistinctPointsError(k, count_distinct_rows(x))
    rng = np.random.default_rng(seed)
    xt = np.ascontiguousarray(x.T)
    xx = squared_norms(xt)
    # Along the rows of the transposed copy: contiguous, so a fast pass.
    tol_abs = float(tol * np.mean(np.var(xt, axis=1)))

    sizes = _stage_sizes(n, init_sample_size)
    order = rng.permutation(n) if len(sizes) > 1 else None

    def stage(size: int) -> tuple[np.ndarray, np.ndarray]:
        """The first ``size`` points of the seeded permutation (all when ``n``)."""
        if size == n:
            return xt, xx
        idx = np.sort(order[:size])  # type: ignore[index]
        return np.ascontiguousarray(xt[:, idx]), xx[idx]

    st, sxx = stage(sizes[0])
    best: tuple[np.ndarray, np.ndarray, np.ndarray, int, bool] | None = None
    best_inertia = np.inf
    best_init = 0
    for run in range(n_init):
        try:
            start = kmeans_plus_plus(st, k, rng, n_local_trials=n_local_trials)
        except TooFewDistinctPointsError:
            n_distinct = count_distinct_rows(x)
            if n_distinct < k or sizes[0] == n:
                raise TooFewDistinctPointsError(k, n_distinct) from None
            # The sample lacks distinct points the full data has: restart on all
            # points, discarding the candidate runs made on the sample.
            sizes, st, sxx = [n], xt, xx
            best, best_inertia = None, np.inf
            start = kmeans_plus_plus(st, k, rng, n_local_trials=n_local_trials)
        out = lloyd(
            st, start, max_iter=max_iter, tol_abs=tol_abs, chunk_size=chunk_size, xx=sxx
        )
        inertia = float(out[2].sum())
        if inertia < best_inertia:
            best, best_inertia, best_init = out, inertia, run
    assert best is not None
    for size in sizes[1:]:
        st, sxx = stage(size)
        best = lloyd(
            st,
            best[0],
            max_iter=max_iter,
            tol_abs=tol_abs,
            chunk_size=chunk_size,
            xx=sxx,
        )
    return KMeansResult.of_run(best, best_init=best_init, init_sample_size=sizes[0])


def kmeans_from(
    data: np.ndarray | pd.DataFrame,
    start: np.ndarray,
    *,
    max_iter: int = 300,
    tol: float = 1e-4,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
) -> KMeansResult:
    """One Lloyd run on all rows of ``data`` from the given centroids: no
    seeding, no restarts, no sample. Cluster ``i`` of the result is the one
    that started at ``start[i]``; the stopping rule is :func:`kmeans`'s.

    A start the data already fit stays as it is: when the first Lloyd step
    would move the centroids by no more than the tolerance, the start is
    returned with its own nearest-centroid labels (``n_iter`` 0). The
    result of :func:`kmeans` is such a start for its own data, since it
    stopped within that tolerance, so a run started from it gives back its
    partition, where one more step could still move a customer on a border.

    Raises:
        EmptyClusterError: when a cluster loses every point on the way.
    """
    x = as_float_matrix(data)
    start = np.asarray(start, dtype=np.float64)
    _validate_args(x.shape[0], start.shape[0], 1, max_iter, tol)
    if start.ndim != 2 or start.shape[1] != x.shape[1]:
        raise ValueError(
            f"start centroids of shape {start.shape} do not fit {x.shape[1]} features"
        )
    with single_threaded_blas():
        xt = np.ascontiguousarray(x.T)
        xx = squared_norms(xt)
        tol_abs = float(tol * np.mean(np.var(xt, axis=1)))
        labels, sq_dist = assign_nearest(xt, xx, start, chunk_size=chunk_size)
        counts = np.bincount(labels, minlength=start.shape[0])
        if (counts == 0).any():
            raise EmptyClusterError(int(np.flatnonzero(counts == 0)[0]), 0)
        step = _update_centroids(xt, labels, sq_dist, start)
        if float(((step - start) ** 2).sum()) <= tol_abs:
            run = (start.copy(), labels, sq_dist, 0, True)
        else:
            run = lloyd(
                xt,
                start,
                max_iter=max_iter,
                tol_abs=tol_abs,
                chunk_size=chunk_size,
                xx=xx,
                keep_clusters=True,
            )
    result = KMeansResult.of_run(run, best_init=0, init_sample_size=x.shape[0])
    if (result.counts == 0).any():
        # The last move of the centroids can still take a cluster's points.
        raise EmptyClusterError(
            int(np.flatnonzero(result.counts == 0)[0]), result.n_iter
        )
    return result


def predict(
    data: np.ndarray | pd.DataFrame,
    centroids: np.ndarray,
    *,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
) -> np.ndarray:
    """Index of the nearest centroid of every row (lowest index on ties)."""
    x = as_float_matrix(data)
    xt = np.ascontiguousarray(x.T)
    labels, _ = assign_nearest(
        xt,
        squared_norms(xt),
        np.asarray(centroids, dtype=np.float64),
        chunk_size=chunk_size,
    )
    return labels
