"""Choice of the number of clusters.

:func:`evaluate_k_range` fits K-means for every k of a range and measures it;
:func:`choose_k` applies the documented rule to that table.

Rule of :func:`choose_k`
------------------------
1. ``fixed_k`` given: use it (the reason quotes its figures and the quality
   thresholds it misses, if the table has it).
2. Otherwise consider the k of the table inside the business range
   ``k_min..k_max``. A k is eligible when it meets every quality threshold of
   :class:`Gates` (silhouette, stability, smallest cluster in customers and in
   share, distance between the closest two centroids): the thresholds the
   published clusters are checked against, so the rule never picks a k the
   checks then refuse.
3. Among the eligible k take the highest silhouette; a smaller k whose silhouette
   is within ``silhouette_tolerance`` of the best wins (ties go to the smaller k,
   fewer segments are easier to act on).
4. When no k is eligible, the k that misses the fewest thresholds is taken (then
   the highest silhouette, then the smaller k) and the reason lists, for every k
   of the range, each figure against its threshold and the settings to relax.
   The checks on the published clusters then fail and say the same.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from segmentation.clustering.distances import (
    as_float_matrix,
    assign_nearest,
    single_threaded_blas,
    squared_norms,
)
from segmentation.clustering.errors import SettingError
from segmentation.clustering.kmeans_core import (
    DEFAULT_INIT_SAMPLE_SIZE,
    KMeansResult,
    kmeans,
)
from segmentation.clustering.metrics import (
    DISTANCE_CACHE_MAX,
    bootstrap_plan,
    bootstrap_stability,
    davies_bouldin_and_calinski_harabasz,
    pairwise_distances,
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
    "min_cluster_customers",
    "min_cluster_share",
    "max_cluster_share",
    "min_centroid_distance",
    "n_iter",
    "converged",
]

# One INFO line per k evaluated: selection over k is the longest step of the
# K-means run, and the dbt glue shows these lines in the build's output.
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
class Gates:
    """Quality thresholds a chosen k must meet (``None``: not checked).

    Attributes:
        min_silhouette: Lowest mean silhouette.
        min_stability: Lowest stability (mean bootstrap adjusted Rand index).
        min_cluster_customers: Fewest customers in a cluster (outliers included).
        min_cluster_share: Smallest share of all customers in a cluster.
        min_centroid_distance: Smallest distance between two centroids (z units).
    """

    min_silhouette: float | None = None
    min_stability: float | None = None
    min_cluster_customers: int = 0
    min_cluster_share: float = 0.0
    min_centroid_distance: float | None = None

    def misses(self, row: pd.Series) -> list[tuple[str, str]]:
        """The thresholds one selection row misses: ``(setting, text)`` pairs,
        e.g. ``("min_stability", "stability ARI 0.793 < 0.8")``. A figure that
        could not be measured (NaN) misses its threshold."""
        out = []
        for key, label, value, floor in self._figures(row):
            if floor is not None and not value >= floor:
                out.append((key, f"{label} {fmt_figure(value)} < {floor:g}"))
        return out

    def describe(self, row: pd.Series) -> str:
        """Every checked figure of one row against its threshold."""
        parts = []
        for key, label, value, floor in self._figures(row):
            if floor is None:
                continue
            verdict = "ok" if value >= floor else f"below {key}"
            parts.append(f"{label} {fmt_figure(value)} ({verdict} {floor:g})")
        return ", ".join(parts)

    def _figures(self, row: pd.Series) -> list[tuple[str, str, float, float | None]]:
        """``(setting, label, figure, threshold)`` of every threshold."""
        return [
            ("min_silhouette", "silhouette", row["silhouette"], self.min_silhouette),
            (
                "min_stability",
                "stability ARI",
                row["stability_ari"],
                self.min_stability,
            ),
            (
                "min_cluster_customers",
                "smallest cluster (customers)",
                row["min_cluster_customers"],
                float(self.min_cluster_customers) or None,
            ),
            (
                "min_cluster_share",
                "smallest cluster (share)",
                row["min_cluster_share"],
                self.min_cluster_share or None,
            ),
            (
                "min_centroid_distance",
                "closest centroids (z)",
                row["min_centroid_distance"],
                self.min_centroid_distance,
            ),
        ]


@dataclass(frozen=True)
class SelectionResult:
    """Table of measures (one row per k, :data:`SELECTION_COLUMNS`) and the fits."""

    table: pd.DataFrame
    fits: dict[int, KMeansResult]


def fit_k(x: np.ndarray, k: int, params: SelectionParams) -> KMeansResult:
    """The K-means fit used for ``k`` everywhere (seed stream ``(FIT, k)``)."""
    return kmeans(
        x,
        k,
        seed=derive_seed(params.seed, FIT, k),
        n_init=params.n_init,
        max_iter=params.max_iter,
        tol=params.tol,
        init_sample_size=params.init_sample_size,
    )


def _closest_centroids(centroids: np.ndarray) -> float:
    """Smallest Euclidean distance between two centroids (NaN for one)."""
    k = centroids.shape[0]
    if k < 2:
        return float("nan")
    diff = centroids[:, None, :] - centroids[None, :, :]
    dist = np.sqrt((diff * diff).sum(axis=2))
    return float(dist[np.triu_indices(k, 1)].min())


def _sizes(
    fit: KMeansResult, k: int, assigned: tuple[np.ndarray, np.ndarray] | None
) -> np.ndarray:
    """Customers per cluster: the fitted ones and the ``assigned`` points
    (outliers) at their nearest centroid."""
    counts = fit.counts.copy()
    if assigned is not None and assigned[0].shape[1]:
        labels, _ = assign_nearest(assigned[0], assigned[1], fit.centroids)
        counts += np.bincount(labels, minlength=k)
    return counts


def evaluate_k_range(
    data: np.ndarray | pd.DataFrame,
    k_values: Sequence[int],
    params: SelectionParams | None = None,
    *,
    fits: dict[int, KMeansResult] | None = None,
    assigned_also: np.ndarray | None = None,
) -> SelectionResult:
    """Fit and measure K-means for every ``k`` in ``k_values``.

    Args:
        data: ``(n, d)`` standardised features (array or numeric DataFrame).
        k_values: The k to evaluate (each >= 2).
        params: Fit and measure parameters (defaults: :class:`SelectionParams`).
        fits: Already computed fits to reuse, by k (must come from :func:`fit_k`
            with the same data and params).
        assigned_also: ``(m, d)`` points left out of the fits (outliers) that
            still count in the cluster sizes, at their nearest centroid.

    Returns:
        A :class:`SelectionResult`. Silhouette, Davies-Bouldin and
        Calinski-Harabasz are computed on the points of ``data``; the silhouette
        method (``exact``/``sampled``) and the number of points it used are
        recorded per row; cluster sizes and shares count ``assigned_also`` too.

    Raises:
        TooFewDistinctPointsError: when a k exceeds the distinct points.
    """
    params = params or SelectionParams()
    x = as_float_matrix(data)
    n = x.shape[0]
    ks = sorted({int(k) for k in k_values})
    if not ks or ks[0] < 2:
        raise ValueError(f"k values must be >= 2, got {list(k_values)}")
    assigned = None
    total = n
    if assigned_also is not None and len(assigned_also):
        at = np.ascontiguousarray(as_float_matrix(assigned_also).T)
        assigned = (at, squared_norms(at))
        total += at.shape[1]
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
        # The same points serve the silhouette of every k: their distances
        # are computed once when they fit in memory.
        distances = None
        if len(ks) > 1 and sil_size <= DISTANCE_CACHE_MAX:
            distances = pairwise_distances(x if sample is None else x[sample])
        for position, k in enumerate(ks, start=1):
            fit = (fits or {}).get(k) or fit_k(x, k, params)
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
            sizes = _sizes(fit, k, assigned)
            rows.append(
                {
                    "k": k,
                    "inertia": fit.inertia,
                    "silhouette": silhouette(
                        x, fit.labels, sample, distances=distances
                    ),
                    "silhouette_method": method,
                    "silhouette_sample_size": sil_size,
                    "davies_bouldin": db,
                    "calinski_harabasz": ch,
                    "stability_ari": ari,
                    "stability_resamples": used,
                    "min_cluster_customers": int(sizes.min()),
                    "min_cluster_share": float(sizes.min() / total),
                    "max_cluster_share": float(sizes.max() / total),
                    "min_centroid_distance": _closest_centroids(fit.centroids),
                    "n_iter": fit.n_iter,
                    "converged": fit.converged,
                }
            )
            logger.info(
                "k-means k=%d (%d/%d): inertia %s, silhouette %s, stability %s, %.1f s",
                k,
                position,
                len(ks),
                f"{fit.inertia:,.0f}",
                fmt_figure(rows[-1]["silhouette"]),
                fmt_figure(ari),
                time.perf_counter() - started,
            )
    table = pd.DataFrame(rows, columns=SELECTION_COLUMNS)
    return SelectionResult(table=table, fits=out_fits)


def fmt_figure(value: float, digits: int = 3) -> str:
    """A figure for the reason text ("n/a" when missing)."""
    if value is None or not np.isfinite(value):
        return "n/a"
    if float(value).is_integer() and abs(value) >= 1:
        return f"{value:,.0f}"
    return f"{value:.{digits}f}"


def row_figures(row: pd.Series) -> str:
    """The figures of one selection row, for the reason text."""
    return (
        f"silhouette {fmt_figure(row['silhouette'])} ({row['silhouette_method']}, "
        f"n={int(row['silhouette_sample_size'])}), stability ARI "
        f"{fmt_figure(row['stability_ari'])}, Davies-Bouldin "
        f"{fmt_figure(row['davies_bouldin'])}, Calinski-Harabasz "
        f"{fmt_figure(row['calinski_harabasz'], 1)}"
    )


def judge_gates(selection: pd.DataFrame, gates: Gates) -> pd.DataFrame:
    """The selection table with ``passes_gates`` and ``gate_failures`` (the
    settings whose threshold the k misses, ", "-separated; null when none)."""
    misses = [gates.misses(row) for _, row in selection.iterrows()]
    failures = [", ".join(key for key, _ in m) or None for m in misses]
    return selection.assign(
        passes_gates=[not m for m in misses],
        gate_failures=pd.Series(failures, index=selection.index, dtype=object),
    )


def choose_k(
    selection: pd.DataFrame,
    k_min: int = 3,
    k_max: int = 7,
    fixed_k: int | None = None,
    *,
    gates: Gates | None = None,
    silhouette_tolerance: float = 0.005,
) -> tuple[int, str]:
    """Pick k from a selection table by the rule in the module docstring.

    Args:
        selection: Output table of :func:`evaluate_k_range`.
        k_min: Smallest k the business accepts.
        k_max: Largest k the business accepts.
        fixed_k: Use this k whatever the table says.
        gates: Quality thresholds an eligible k meets (default: none).
        silhouette_tolerance: Silhouettes closer than this count as tied.

    Returns:
        ``(k, reason)``; the reason cites the figures behind the choice.

    Raises:
        SettingError: when no k of the table lies in ``k_min..k_max``.
    """
    gates = gates or Gates()
    table = judge_gates(selection.sort_values("k").reset_index(drop=True), gates)
    if fixed_k is not None:
        hit = table.loc[table["k"] == fixed_k]
        if not len(hit):
            return int(fixed_k), (
                f"k={fixed_k} fixed by configuration (fixed_k; not in the "
                "selection table)"
            )
        row = hit.iloc[0]
        missed = gates.misses(row)
        verdict = (
            "; it misses " + ", ".join(f"{key} ({text})" for key, text in missed)
            if missed
            else ""
        )
        return int(fixed_k), (
            f"k={fixed_k} fixed by configuration (fixed_k): {row_figures(row)}{verdict}"
        )
    cand = table.loc[(table["k"] >= k_min) & (table["k"] <= k_max)]
    if cand.empty:
        raise SettingError(
            f"no evaluated k (k_range {list(table['k'])}) lies in the business "
            f"range {k_min}..{k_max} ($key)",
            "business_k_range",
        )
    eligible = cand.loc[cand["passes_gates"]]
    if eligible.empty:
        return _least_bad(cand, gates, k_min, k_max)
    sil = eligible["silhouette"].fillna(-np.inf)
    row = eligible.loc[sil >= sil.max() - silhouette_tolerance].iloc[0]
    k = int(row["k"])
    summary = "; ".join(
        f"k={int(r['k'])}: silhouette {fmt_figure(r['silhouette'])}, ARI "
        f"{fmt_figure(r['stability_ari'])}"
        + ("" if r["passes_gates"] else f", misses {r['gate_failures']}")
        for _, r in cand.iterrows()
    )
    return k, (
        f"k={k}: highest silhouette (within {silhouette_tolerance:g}, ties to the "
        f"smaller k) among the k of {k_min}..{k_max} that meet every quality "
        f"threshold; {row_figures(row)} [{summary}]"
    )


def _least_bad(
    cand: pd.DataFrame, gates: Gates, k_min: int, k_max: int
) -> tuple[int, str]:
    """No k meets every threshold: the one that misses the fewest, and why."""
    missed = cand["gate_failures"].fillna("").str.count(",") + 1
    ranked = cand.assign(
        _missed=missed, _sil=-cand["silhouette"].fillna(-np.inf)
    ).sort_values(["_missed", "_sil", "k"], kind="mergesort")
    row = ranked.iloc[0]
    k = int(row["k"])
    per_k = "; ".join(
        f"k={int(r['k'])}: {gates.describe(r)}" for _, r in cand.iterrows()
    )
    keys = sorted({key for f in cand["gate_failures"] for key in f.split(", ")})
    return k, (
        f"no k in {k_min}..{k_max} meets every quality threshold, so k={k}, which "
        f"misses the fewest ({row['gate_failures']}), was taken: {per_k}. To "
        f"build clusters that pass, relax {', '.join(keys)}, widen "
        "business_k_range, or change the features"
    )


def choose_split_k(
    selection: pd.DataFrame,
    *,
    min_stability: float | None,
    silhouette_tolerance: float,
) -> tuple[int, str]:
    """Number of sub-clusters of a split: the highest silhouette among the k
    at least ``min_stability`` stable (ties to the smaller k), else the most
    stable k."""
    table = selection.sort_values("k").reset_index(drop=True)
    stable = table
    if min_stability is not None and table["stability_ari"].notna().any():
        stable = table.loc[table["stability_ari"] >= min_stability]
    if stable.empty:
        ari = table["stability_ari"]
        row = table.loc[ari == ari.max()].iloc[0]
        k = int(row["k"])
        return k, (
            f"k={k}: no k reached stability ARI >= {min_stability:g}, so the "
            f"most stable one was taken; {row_figures(row)}"
        )
    sil = stable["silhouette"].fillna(-np.inf)
    row = stable.loc[sil >= sil.max() - silhouette_tolerance].iloc[0]
    k = int(row["k"])
    return k, f"k={k}: highest silhouette among the stable k; {row_figures(row)}"
