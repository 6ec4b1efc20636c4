"""Chunked nearest-centroid computations in float64.

Squared Euclidean distances are computed with the expansion
``||x - c||^2 = ||x||^2 - 2 x.c + ||c||^2`` on chunks of points, so that the
temporary ``k x chunk`` matrices stay small (64 Ki points x 10 centroids = 5 MiB)
whatever the number of customers. Points are stored transposed (``d x n``,
C-contiguous) because numpy reduces fastest along the first axis of a small
``k x chunk`` block.

Ties are broken on purpose: a point at exactly the same distance from two
centroids goes to the one with the lowest index.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from typing import ParamSpec, TypeVar

import numpy as np
import pandas as pd
from threadpoolctl import ThreadpoolController

_P = ParamSpec("_P")
_R = TypeVar("_R")

#: Number of points processed per block.
DEFAULT_CHUNK_SIZE = 65_536


@functools.cache
def _threadpools() -> ThreadpoolController:
    """Handle on the loaded BLAS libraries (found once; finding them costs ~5 ms)."""
    return ThreadpoolController()


def single_threaded_blas() -> AbstractContextManager[object]:
    """Context limiting BLAS to one thread.

    The products here are thin (``k x d`` times ``d x chunk``): threads gain little
    and, on a shared machine, waiting for busy cores costs up to 5x. One thread
    also makes every product bit-reproducible whatever the machine's thread count.
    """
    return _threadpools().limit(limits=1, user_api="blas")


def with_single_threaded_blas(function: Callable[_P, _R]) -> Callable[_P, _R]:
    """Decorator: ``function`` runs inside :func:`single_threaded_blas`."""

    @functools.wraps(function)
    def limited(*args: _P.args, **kwargs: _P.kwargs) -> _R:
        with single_threaded_blas():
            return function(*args, **kwargs)

    return limited


def as_float_matrix(data: np.ndarray | pd.DataFrame, *, name: str = "X") -> np.ndarray:
    """Return ``data`` as a C-contiguous 2-D float64 array with only finite values.

    Raises:
        ValueError: when ``data`` is not 2-D or holds NaN / infinite values.
    """
    if isinstance(data, pd.DataFrame):
        arr = data.to_numpy(dtype=np.float64, na_value=np.nan)
    else:
        arr = np.asarray(data, dtype=np.float64)
    if arr.ndim != 2:
        raise ValueError(f"{name} must be 2-D (customers x features), got {arr.ndim}-D")
    if not np.isfinite(arr).all():
        raise ValueError(f"{name} holds NaN or infinite values; impute them first")
    return np.ascontiguousarray(arr)


def squared_norms(xt: np.ndarray) -> np.ndarray:
    """Return ``||x||^2`` for every column of the transposed matrix ``xt`` (d x n)."""
    return np.einsum("ij,ij->j", xt, xt)


def _nearest_by_block(
    xt: np.ndarray, centroids: np.ndarray, labels: np.ndarray, chunk_size: int
) -> Iterator[tuple[int, int, np.ndarray, np.ndarray]]:
    """Label the points block by block with their nearest centroid, in place
    in ``labels``.

    Yields ``(start, stop, block, best)`` once a block's labels are written:
    the points ``start:stop``, the ``k x chunk`` matrix ``||c||^2 - 2 x.c``
    (squared distances less ``||x||^2``) and its minimum per point.
    """
    n = xt.shape[1]
    k = centroids.shape[0]
    minus_two_c = -2.0 * centroids
    cc = np.einsum("ij,ij->i", centroids, centroids)[:, None]
    for start in range(0, n, chunk_size):
        stop = min(start + chunk_size, n)
        block = minus_two_c @ xt[:, start:stop]
        block += cc
        best = block.min(axis=0)
        lab = labels[start:stop]
        lab.fill(k - 1)
        # Walk the centroids from the last to the first: the lowest index wins ties.
        for j in range(k - 2, -1, -1):
            np.copyto(lab, j, where=block[j] == best)
        yield start, stop, block, best


def assign_nearest(
    xt: np.ndarray,
    xx: np.ndarray,
    centroids: np.ndarray,
    *,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
) -> tuple[np.ndarray, np.ndarray]:
    """Assign every point to its nearest centroid.

    Args:
        xt: Points, transposed: shape ``(d, n)``, C-contiguous float64.
        xx: Squared norms of the points, shape ``(n,)`` (:func:`squared_norms`).
        centroids: Shape ``(k, d)``.
        chunk_size: Points per block.

    Returns:
        ``(labels, sq_dist)``: int32 labels in ``0..k-1`` (lowest index on ties) and
        the squared distance to the assigned centroid (clipped at 0).
    """
    n = xt.shape[1]
    labels = np.empty(n, dtype=np.int32)
    sq_dist = np.empty(n, dtype=np.float64)
    for start, stop, _, best in _nearest_by_block(xt, centroids, labels, chunk_size):
        best += xx[start:stop]
        sq_dist[start:stop] = best
    np.maximum(sq_dist, 0.0, out=sq_dist)
    return labels, sq_dist


def assign_nearest_two(
    xt: np.ndarray,
    xx: np.ndarray,
    centroids: np.ndarray,
    *,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """:func:`assign_nearest` (same labels and squared distances, computed the
    same way) plus the squared distance to the second-nearest centroid
    (``inf`` with a single centroid), for bounds that skip later passes."""
    n = xt.shape[1]
    k = centroids.shape[0]
    labels = np.empty(n, dtype=np.int32)
    sq_dist = np.empty(n, dtype=np.float64)
    sq_next = np.full(n, np.inf, dtype=np.float64)
    blocks = _nearest_by_block(xt, centroids, labels, chunk_size)
    for start, stop, block, best in blocks:
        if k > 1:
            block[labels[start:stop], np.arange(stop - start)] = np.inf
            second = block.min(axis=0)
            second += xx[start:stop]
            sq_next[start:stop] = second
        best += xx[start:stop]
        sq_dist[start:stop] = best
    np.maximum(sq_dist, 0.0, out=sq_dist)
    np.maximum(sq_next, 0.0, out=sq_next)
    return labels, sq_dist, sq_next


def nearest_two(
    x: np.ndarray,
    centroids: np.ndarray,
    *,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Nearest and second-nearest centroid of every point (Euclidean distances).

    Distances are computed exactly (``sum((x - c)^2)`` per feature), which is what
    customers see in the output; labels follow the lowest-index rule on ties.

    Args:
        x: Points, shape ``(n, d)``.
        centroids: Shape ``(k, d)``.
        chunk_size: Points per block.

    Returns:
        ``(labels, distance, distance_to_next)``; ``distance_to_next`` is NaN when
        there is a single centroid.
    """
    x = np.asarray(x, dtype=np.float64)
    n = x.shape[0]
    k = centroids.shape[0]
    labels = np.empty(n, dtype=np.int32)
    d1 = np.empty(n, dtype=np.float64)
    d2 = np.full(n, np.nan, dtype=np.float64)
    for start in range(0, n, chunk_size):
        stop = min(start + chunk_size, n)
        block = np.zeros((k, stop - start), dtype=np.float64)
        for f in range(x.shape[1]):
            diff = x[start:stop, f][None, :] - centroids[:, f][:, None]
            block += diff * diff
        lab = np.argmin(block, axis=0).astype(np.int32)
        cols = np.arange(stop - start)
        labels[start:stop] = lab
        d1[start:stop] = block[lab, cols]
        if k > 1:
            block[lab, cols] = np.inf
            d2[start:stop] = block.min(axis=0)
    return labels, np.sqrt(d1), np.sqrt(d2)


def count_distinct_rows(x: np.ndarray) -> int:
    """Number of distinct rows (customers with different feature vectors)."""
    if x.shape[0] == 0:
        return 0
    return int(np.unique(np.ascontiguousarray(x), axis=0).shape[0])
