"""Oversized clusters are split into sub-clusters above the share threshold only."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from segmentation.clustering import (
    SelectionParams,
    kmeans,
    parse_feature_specs,
    split_oversized_clusters,
)
from segmentation.clustering.ordering import value_order

SPECS = parse_feature_specs(["recency_days", "frequency", "monetary"])
PARAMS = SelectionParams(seed=2, n_init=3, n_bootstrap=3, bootstrap_n_init=2)


def _data() -> tuple[np.ndarray, np.ndarray]:
    """Three well separated groups; the first holds 60% of the customers and is
    itself made of two sub-groups."""
    rng = np.random.default_rng(0)
    parts = [
        rng.normal([-1.0, 1.0, 1.0], 0.15, size=(300, 3)),
        rng.normal([-1.0, 1.8, 1.8], 0.15, size=(300, 3)),
        rng.normal([1.5, -1.0, -1.0], 0.2, size=(250, 3)),
        rng.normal([0.0, -1.0, 2.5], 0.2, size=(150, 3)),
    ]
    x = np.vstack(parts)
    fit = kmeans(x, 3, seed=0)
    order = value_order(fit.centroids, fit.counts, np.array([-1.0, 1.0, 1.0]))
    ids = np.empty(3, dtype=np.int64)
    ids[order] = [1, 2, 3]
    return x, ids[fit.labels]


def test_cluster_above_the_threshold_is_split() -> None:
    x, cluster_id = _data()
    big = int(pd.Series(cluster_id).value_counts().idxmax())
    assert (cluster_id == big).mean() == pytest.approx(0.6)
    res = split_oversized_clusters(
        x, cluster_id, np.ones(len(x), bool), SPECS, PARAMS, max_share=0.40,
        cluster_names={big: "Champions"},
    )  # fmt: skip
    sub = pd.Series(res.sub_cluster_id)
    assert sub[cluster_id == big].notna().all()
    assert sub[cluster_id != big].isna().all()
    assert res.decisions["cluster_id"].tolist() == [big]
    assert bool(res.decisions.loc[0, "split"])
    k = int(res.decisions.loc[0, "k"])
    assert k == 2  # the two planted sub-groups
    assert sorted(sub.dropna().unique().tolist()) == [1, 2]
    # The sub-clusters recover the planted halves (first 300 rows vs next 300).
    halves = sub.iloc[:600].to_numpy()
    assert len(set(halves[:300])) == 1 and len(set(halves[300:])) == 1
    assert halves[0] != halves[300]
    table = res.sub_clusters
    assert table["customers"].sum() == (cluster_id == big).sum()
    assert table["share_in_cluster"].sum() == pytest.approx(1.0)
    assert table["sub_cluster_name"].is_unique
    assert table["sub_cluster_label"].str.startswith("Champions / ").all()
    assert table["value_score"].is_monotonic_decreasing
    assert (res.selection["cluster_id"] == big).all()


def test_no_split_below_the_threshold() -> None:
    x, cluster_id = _data()
    res = split_oversized_clusters(
        x, cluster_id, np.ones(len(x), bool), SPECS, PARAMS, max_share=0.65
    )
    assert pd.Series(res.sub_cluster_id).isna().all()
    assert res.sub_clusters.empty and res.decisions.empty
    off = split_oversized_clusters(
        x, cluster_id, np.ones(len(x), bool), SPECS, PARAMS, max_share=None
    )
    assert pd.Series(off.sub_cluster_id).isna().all()


def test_fixed_sub_cluster_count_and_outliers_follow_their_cluster() -> None:
    x, cluster_id = _data()
    fit_mask = np.ones(len(x), bool)
    fit_mask[:5] = False  # pretend 5 members of the big cluster are outliers
    res = split_oversized_clusters(
        x, cluster_id, fit_mask, SPECS, PARAMS, max_share=0.40, fixed_k=3
    )
    sub = pd.Series(res.sub_cluster_id)
    assert sorted(sub.dropna().unique().tolist()) == [1, 2, 3]
    assert sub.iloc[:5].notna().all()
    assert "fixed" in res.decisions.loc[0, "reason"]
