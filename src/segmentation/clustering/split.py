"""Split of oversized clusters into sub-clusters.

A cluster holding more than ``max_share`` of all customers (outliers included) is
split by a second K-means on its non-outlier members, in the same z units. The
number of sub-clusters is chosen by :func:`choose_split_k` over ``k_range`` (the
highest silhouette among the stable k) unless ``fixed_k`` is given; the fits use a
seed derived from the run seed and the cluster id. All members (outliers too) are
then assigned to the nearest sub-centroid, sub-clusters are numbered 1..m by the
value-score rule and named with the naming rules (unique inside the cluster).
Customers of clusters that are not split get a null ``sub_cluster_id``. The split
is done once (sub-clusters are not split again).

On a refresh whose main fit started from the stored run, a cluster the stored
run also split starts from its stored sub-centroids instead
(:mod:`.side_warm_start`): the stored number of sub-clusters is kept, one Lloyd
run with no restarts, each sub-cluster keeping its stored id; it is measured as
the choice measures one k and must reach the same stability floor
(``min_stability``, unless ``fixed_k``). A split that cannot is chosen again as
above, and a note says why.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from segmentation.clustering.features import FeatureSpec
from segmentation.clustering.kmeans_core import KMeansResult, TooFewDistinctPointsError
from segmentation.clustering.labelling import label_customers
from segmentation.clustering.naming import name_clusters, role_scores
from segmentation.clustering.ordering import Z_PREFIX
from segmentation.clustering.seeds import SPLIT, derive_seed
from segmentation.clustering.selection import (
    SelectionParams,
    SelectionResult,
    choose_split_k,
    evaluate_k_range,
    fit_k,
    fmt_figure,
    row_figures,
)
from segmentation.clustering.side_warm_start import SPLIT as SPLIT_FIT
from segmentation.clustering.side_warm_start import SideStart, SideStarts
from segmentation.clustering.warm_start import WarmStartError


@dataclass(frozen=True)
class SplitResult:
    """Outcome of :func:`split_oversized_clusters`.

    Attributes:
        sub_cluster_id: ``(n,)`` nullable Int64 array (null when not split).
        sub_cluster_name: ``(n,)`` object array (None when not split).
        sub_clusters: One row per sub-cluster: ``cluster_id``, ``sub_cluster_id``,
            ``sub_cluster_name``, ``sub_cluster_label`` ("<cluster> / <sub>"),
            ``customers``, ``share_in_cluster``, ``value_score``,
            ``centroid_z_<feature>``.
        decisions: One row per oversized cluster: ``cluster_id``, ``share``,
            ``split`` (bool), ``k``, ``reason``.
        selection: Selection table of every split cluster (``cluster_id`` column).
        notes: One line per oversized cluster that a refresh tried to start
            from the stored split: what it did, or why it chose again.
    """

    sub_cluster_id: pd.arrays.IntegerArray
    sub_cluster_name: np.ndarray
    sub_clusters: pd.DataFrame
    decisions: pd.DataFrame
    selection: pd.DataFrame
    notes: tuple[str, ...] = field(default=())


#: A split fitted from the stored one: its measures, k, reason, fit, start.
WarmSplit = tuple[SelectionResult, int, str, KMeansResult, SideStart]


def _warm_split(
    xs: np.ndarray,
    cid: int,
    warm: SideStarts,
    params: SelectionParams,
    *,
    fixed_k: int | None,
    min_stability: float | None,
) -> tuple[WarmSplit | None, str]:
    """The split of cluster ``cid`` fitted from its stored sub-centroids, or
    None; and the note saying which and why."""
    what = f"split of cluster {cid}"
    name = warm.setting_name
    instead = (
        f"it is fitted with {name('split_fixed_k')} sub-clusters"
        if fixed_k is not None
        else f"its sub-clusters are chosen again over {name('split_k_range')}"
    )
    try:
        start, fit, how = warm.fit_from_start(
            SPLIT_FIT, cid, xs, params, what="sub-cluster"
        )
        k = len(start.ids)
        sel = evaluate_k_range(xs, [k], params, fits={k: fit})
        row = sel.table.iloc[0]
        ari = float(row["stability_ari"])
        # The floor of choose_split_k, which an unmeasured stability passes.
        if fixed_k is None and min_stability is not None and ari < min_stability:
            raise WarmStartError(
                f"the sub-clusters fitted from the stored ones (k={k}) miss $key "
                f"(stability ARI {fmt_figure(ari)} < {min_stability:g})",
                "min_stability",
            )
    except WarmStartError as err:
        return None, warm.fallback_note(what, instead, err)
    reason = (
        f"k={k} kept from the stored split: a refresh starts one K-means run "
        f"from the stored sub-centroids ({how}); {row_figures(row)}"
    )
    return (sel, k, reason, fit, start), warm.warm_note(what, k, how)


def split_oversized_clusters(
    x: np.ndarray,
    cluster_id: np.ndarray,
    fit_mask: np.ndarray,
    specs: Sequence[FeatureSpec],
    params: SelectionParams,
    *,
    max_share: float | None = 0.40,
    k_range: tuple[int, int] = (2, 4),
    fixed_k: int | None = None,
    cluster_names: Mapping[int, str] | None = None,
    naming_rules: pd.DataFrame | None = None,
    min_stability: float | None = 0.80,
    silhouette_tolerance: float = 0.005,
    warm: SideStarts | None = None,
) -> SplitResult:
    """Split every cluster whose share of customers exceeds ``max_share``.

    Args:
        x: ``(n, p)`` z-scores of all customers.
        cluster_id: ``(n,)`` cluster id of every customer.
        fit_mask: ``(n,)`` True for customers used in fits (non-outliers).
        specs: Kept feature specs (for value scores and naming).
        params: Fit/measure parameters (its seed is the run seed).
        max_share: Share threshold (strictly above splits); ``None`` disables.
        k_range: Inclusive range of sub-cluster counts to evaluate.
        fixed_k: Use this number of sub-clusters instead of choosing.
        cluster_names: Parent names, for labels.
        naming_rules: Rules table for sub-cluster names.
        min_stability: Stability floor of :func:`choose_split_k`.
        silhouette_tolerance: Tie tolerance of :func:`choose_split_k`.
        warm: The starts of a refresh's side fits: a cluster the stored run
            split starts from its stored sub-centroids when it can.
    """
    n = x.shape[0]
    signs = np.array([s.sign for s in specs])
    sub_id = pd.array(np.full(n, pd.NA), dtype="Int64")
    sub_name = np.full(n, None, dtype=object)
    sub_rows: list[pd.DataFrame] = []
    decisions: list[dict[str, object]] = []
    tables: list[pd.DataFrame] = []
    notes: list[str] = []
    if max_share is None or n == 0:
        return _result(sub_id, sub_name, sub_rows, decisions, tables, specs, notes)
    ids, counts = np.unique(cluster_id, return_counts=True)
    for cid, count in zip(ids.tolist(), counts.tolist(), strict=True):
        share = count / n
        if share <= max_share:
            continue
        members = cluster_id == cid
        xs = x[members & fit_mask]
        sub_params = replace(params, seed=derive_seed(params.seed, SPLIT, int(cid)))
        ks = (
            [fixed_k]
            if fixed_k is not None
            else list(range(k_range[0], k_range[1] + 1))
        )
        warmed = None
        if warm is not None:
            warmed, note = _warm_split(
                xs,
                int(cid),
                warm,
                sub_params,
                fixed_k=fixed_k,
                min_stability=min_stability,
            )
            notes.append(note)
        if warmed is not None:
            sel, k, reason, fit, start = warmed
        else:
            start = None
            try:
                sel = evaluate_k_range(xs, ks, sub_params)
                if fixed_k is None:
                    k, reason = choose_split_k(
                        sel.table,
                        min_stability=min_stability,
                        silhouette_tolerance=silhouette_tolerance,
                    )
                else:
                    k, reason = fixed_k, f"k={fixed_k} fixed by configuration"
                fit = sel.fits.get(k) or fit_k(xs, k, sub_params)
            except TooFewDistinctPointsError as err:
                decisions.append(
                    {
                        "cluster_id": cid,
                        "share": share,
                        "split": False,
                        "k": None,
                        "reason": f"not split: {err}",
                    }
                )
                continue
        tables.append(sel.table.assign(cluster_id=cid))
        lab = label_customers(
            x[members],
            fit.centroids,
            signs,
            previous_z=None if start is None else start.start_z,
            previous_ids=None if start is None else start.ids,
            keep_ids=start is not None,
        )
        sub_id[members] = lab.cluster_id
        scores = role_scores(lab.centroids_z, specs, lab.ids)
        names = name_clusters(scores, naming_rules)
        name_of = dict(zip(names["cluster_id"], names["cluster_name"], strict=True))
        sub_name[members] = [name_of[i] for i in lab.cluster_id]
        parent = (cluster_names or {}).get(cid, f"Cluster {cid}")
        frame = pd.DataFrame(
            {
                "cluster_id": cid,
                "sub_cluster_id": lab.ids,
                "sub_cluster_name": [name_of[i] for i in lab.ids],
                "sub_cluster_label": [f"{parent} / {name_of[i]}" for i in lab.ids],
                "customers": lab.counts,
                "share_in_cluster": lab.counts / count,
                "value_score": scores["value_score"].to_numpy(),
            }
        )
        for j, spec in enumerate(specs):
            frame[Z_PREFIX + spec.name] = lab.centroids_z[:, j]
        sub_rows.append(frame)
        decisions.append(
            {"cluster_id": cid, "share": share, "split": True, "k": k, "reason": reason}
        )
    return _result(sub_id, sub_name, sub_rows, decisions, tables, specs, notes)


def _result(
    sub_id: pd.arrays.IntegerArray,
    sub_name: np.ndarray,
    sub_rows: list[pd.DataFrame],
    decisions: list[dict[str, object]],
    tables: list[pd.DataFrame],
    specs: Sequence[FeatureSpec],
    notes: list[str],
) -> SplitResult:
    """Assemble a :class:`SplitResult` (empty tables keep their columns)."""
    columns = [
        "cluster_id",
        "sub_cluster_id",
        "sub_cluster_name",
        "sub_cluster_label",
        "customers",
        "share_in_cluster",
        "value_score",
        *[Z_PREFIX + s.name for s in specs],
    ]
    subs = (
        pd.concat(sub_rows, ignore_index=True)
        if sub_rows
        else pd.DataFrame(columns=columns)
    )
    dec = pd.DataFrame(
        decisions, columns=["cluster_id", "share", "split", "k", "reason"]
    )
    sel = pd.concat(tables, ignore_index=True) if tables else pd.DataFrame()
    return SplitResult(sub_id, sub_name, subs, dec, sel, tuple(notes))
