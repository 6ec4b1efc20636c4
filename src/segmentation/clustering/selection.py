"""Choice of the number of clusters.

:func:`evaluate_k_range` fits K-means for every k of a range and measures it;
:func:`choose_k` applies the documented rule to that table.

Rule of :func:`choose_k`
------------------------
1. ``fixed_k`` given: use it (the reason says so and quotes its figures if the
   table has them).
2. Otherwise consider the k of the table inside the business range
   ``k_min..k_max``. Those with ``stability_ari >= min_stability`` are eligible
   (when stability was not measured, i.e. all NaN, every candidate is eligible).
3. Among the eligible k take the highest silhouette; a smaller k whose silhouette
   is within ``silhouette_tolerance`` of the best wins (ties go to the smaller k,
   fewer segments are easier to act on).
4. When no k is eligible, take the most stable k (highest ``stability_ari``; ties
   to the smaller k).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from segmentation.clustering.distances import as_float_matrix, single_threaded_blas
from segmentation.clustering.kmeans_core import (
    DEFAULT_INIT_SAMPLE_SIZE,
    KMeansResult,
    kmeans,
)
from segmentation.clustering.metrics import (
    bootstrap_plan,
    bootstrap_stability,
    davies_bouldin_and_calinski_harabasz,
    silhouette,
    silhouette_plan,
)
from segmentation.clustering.seeds import FIT, SILHOUETTE, STABILITY_EVAL, derive_seed

SELECTION_COLUMNS = [
    "k",
    "inertia",
    "silhouette",
    "silhouette_method",
    "silhouette_sample_size",
    "davies_bouldin",
    "calinski_harabasz",
    "stability_ari",
    "stability_resamples",
    "min_cluster_share",
    "max_cluster_share",
    "n_iter",
    "converged",
]

# One INFO line per k evaluated: selection over k is the longest step of the
# K-means models, and dbt shows these lines (shared_run turns them on).
logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class SelectionParams:
    """Parameters of the K-means fits and measures of :func:`evaluate_k_range`.

    Attributes:
        seed: Seed of every random stream (fits, samples, resamples).
        n_init: K-means candidate runs per fit.
        max_iter: Maximum Lloyd iterations.
        tol: K-means relative tolerance.
        init_sample_size: Points used by candidate runs on big inputs (see kmeans).
        silhouette_exact_max: Exact silhouette up to this many points.
        silhouette_sample_size: Sample size of the silhouette above that.
        n_bootstrap: Bootstrap resamples for stability (0 disables: NaN).
        bootstrap_sample_size: Points per resample and evaluation points.
        bootstrap_n_init: K-means candidate runs per bootstrap fit.
    """

    seed: int = 42
    n_init: int = 10
    max_iter: int = 300
    tol: float = 1e-4
    init_sample_size: int | None = DEFAULT_INIT_SAMPLE_SIZE
    silhouette_exact_max: int = 5_000
    silhouette_sample_size: int = 5_000
    n_bootstrap: int = 5
    bootstrap_sample_size: int = 10_000
    bootstrap_n_init: int = 3


@dataclass(frozen=True)
class SelectionResult:
    """Table of measures (one row per k, :data:`SELECTION_COLUMNS`) and the fits."""

    table: pd.DataFrame
    fits: dict[int, KMeansResult]


def fit_k(
    x: np.ndarray, k: int, params: SelectionParams, *, k_source: str = "k"
) -> KMeansResult:
    """The K-means fit used for ``k`` everywhere (seed stream ``(FIT, k)``)."""
    return kmeans(
        x,
        k,
        seed=derive_seed(params.seed, FIT, k),
        n_init=params.n_init,
        max_iter=params.max_iter,
        tol=params.tol,
        init_sample_size=params.init_sample_size,
        k_source=k_source,
    )


def evaluate_k_range(
    data: np.ndarray | pd.DataFrame,
    k_values: Sequence[int],
    params: SelectionParams | None = None,
    *,
    k_source: str = "k_range",
    fits: dict[int, KMeansResult] | None = None,
) -> SelectionResult:
    """Fit and measure K-means for every ``k`` in ``k_values``.

    Args:
        data: ``(n, d)`` standardised features (array or numeric DataFrame).
        k_values: The k to evaluate (each >= 2).
        params: Fit and measure parameters (defaults: :class:`SelectionParams`).
        k_source: Config key / var quoted when k exceeds the distinct points.
        fits: Already computed fits to reuse, by k (must come from :func:`fit_k`
            with the same data and params).

    Returns:
        A :class:`SelectionResult`. Silhouette, Davies-Bouldin and
        Calinski-Harabasz are computed on the points of ``data``; the silhouette
        method (``exact``/``sampled``) and the number of points it used are
        recorded per row.
    """
    params = params or SelectionParams()
    x = as_float_matrix(data)
    n = x.shape[0]
    ks = sorted({int(k) for k in k_values})
    if not ks or ks[0] < 2:
        raise ValueError(f"k values must be >= 2, got {list(k_values)} ({k_source})")
    sample, method, sil_size = silhouette_plan(
        n,
        exact_max=params.silhouette_exact_max,
        sample_size=params.silhouette_sample_size,
        seed=params.seed,
        stream=SILHOUETTE,
    )
    plan = bootstrap_plan(
        n,
        n_bootstrap=params.n_bootstrap,
        bootstrap_size=params.bootstrap_sample_size,
        seed=params.seed,
        eval_stream=STABILITY_EVAL,
    )
    out_fits: dict[int, KMeansResult] = {}
    rows = []
    started = time.perf_counter()
    with single_threaded_blas():
        for position, k in enumerate(ks, start=1):
            fit = (fits or {}).get(k) or fit_k(x, k, params, k_source=k_source)
            out_fits[k] = fit
            db, ch = davies_bouldin_and_calinski_harabasz(x, fit.labels, k)
            ari, used = bootstrap_stability(
                x,
                fit.labels,
                k,
                plan,
                seed=params.seed,
                n_init=params.bootstrap_n_init,
                max_iter=params.max_iter,
                tol=params.tol,
            )
            shares = fit.counts / n
            rows.append(
                {
                    "k": k,
                    "inertia": fit.inertia,
                    "silhouette": silhouette(x, fit.labels, sample),
                    "silhouette_method": method,
                    "silhouette_sample_size": sil_size,
                    "davies_bouldin": db,
                    "calinski_harabasz": ch,
                    "stability_ari": ari,
                    "stability_resamples": used,
                    "min_cluster_share": float(shares.min()),
                    "max_cluster_share": float(shares.max()),
                    "n_iter": fit.n_iter,
                    "converged": fit.converged,
                }
            )
            logger.info(
                "k-means k=%d (%d/%d, %s): inertia %s, silhouette %s,"
                " stability %s, %.1f s",
                k,
                position,
                len(ks),
                k_source,
                f"{fit.inertia:,.0f}",
                _fmt(rows[-1]["silhouette"]),
                _fmt(ari),
                time.perf_counter() - started,
            )
    table = pd.DataFrame(rows, columns=SELECTION_COLUMNS)
    return SelectionResult(table=table, fits=out_fits)


def _fmt(value: float, digits: int = 3) -> str:
    """A figure for the reason text ("n/a" when missing)."""
    return "n/a" if value is None or not np.isfinite(value) else f"{value:.{digits}f}"


def _row_figures(row: pd.Series) -> str:
    """The figures of one selection row, for the reason text."""
    return (
        f"silhouette {_fmt(row['silhouette'])} ({row['silhouette_method']}, "
        f"n={int(row['silhouette_sample_size'])}), stability ARI "
        f"{_fmt(row['stability_ari'])}, Davies-Bouldin {_fmt(row['davies_bouldin'])}, "
        f"Calinski-Harabasz {_fmt(row['calinski_harabasz'], 1)}"
    )


def choose_k(
    selection: pd.DataFrame,
    k_min: int = 3,
    k_max: int = 7,
    fixed_k: int | None = None,
    *,
    min_stability: float = 0.75,
    silhouette_tolerance: float = 0.005,
) -> tuple[int, str]:
    """Pick k from a selection table by the rule in the module docstring.

    Args:
        selection: Output table of :func:`evaluate_k_range`.
        k_min: Smallest k the business accepts.
        k_max: Largest k the business accepts.
        fixed_k: Use this k whatever the table says.
        min_stability: Stability floor (mean bootstrap ARI).
        silhouette_tolerance: Silhouettes closer than this count as tied.

    Returns:
        ``(k, reason)``; the reason cites the figures behind the choice.

    Raises:
        ValueError: when no k of the table lies in ``k_min..k_max``.
    """
    table = selection.sort_values("k").reset_index(drop=True)
    if fixed_k is not None:
        hit = table.loc[table["k"] == fixed_k]
        figures = (
            f": {_row_figures(hit.iloc[0])}"
            if len(hit)
            else " (not in the selection table)"
        )
        return int(fixed_k), f"k={fixed_k} fixed by configuration (fixed_k){figures}"
    if k_min > k_max:
        raise ValueError(f"business k range is empty: {k_min}..{k_max}")
    cand = table.loc[(table["k"] >= k_min) & (table["k"] <= k_max)]
    if cand.empty:
        raise ValueError(
            f"no evaluated k (k_range {list(table['k'])}) lies in the business range "
            f"{k_min}..{k_max}"
        )
    summary = "; ".join(
        f"k={int(r.k)}: silhouette {_fmt(r.silhouette)}, ARI {_fmt(r.stability_ari)}"
        for r in cand.itertuples()
    )
    stability_measured = cand["stability_ari"].notna().any()
    eligible = (
        cand.loc[cand["stability_ari"] >= min_stability] if stability_measured else cand
    )
    if eligible.empty:
        best_ari = cand["stability_ari"].max()
        row = cand.loc[cand["stability_ari"] == best_ari].iloc[0]
        k = int(row["k"])
        return k, (
            f"k={k}: no k in {k_min}..{k_max} reached stability ARI >= "
            f"{min_stability:g}, so the most stable one was taken; "
            f"{_row_figures(row)} [{summary}]"
        )
    sil = eligible["silhouette"].fillna(-np.inf)
    best = sil.max()
    row = eligible.loc[sil >= best - silhouette_tolerance].iloc[0]
    k = int(row["k"])
    floor = (
        f"stability ARI >= {min_stability:g}"
        if stability_measured
        else "stability not measured"
    )
    return k, (
        f"k={k}: highest silhouette (within {silhouette_tolerance:g}, ties to the "
        f"smaller k) among k={k_min}..{k_max} with {floor}; {_row_figures(row)} "
        f"[{summary}]"
    )
