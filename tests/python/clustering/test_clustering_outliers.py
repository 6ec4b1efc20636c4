"""Robust-z outlier rule, and outliers in the segmentation."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
from clustering_data import FAST, RETAIL_SPEC

from segmentation.clustering import (
    flag_outliers,
    kmeans,
    prepare_features,
    segment_customers,
)
from segmentation.clustering.outliers import robust_z
from segmentation.clustering.seeds import FIT, derive_seed

REASON = re.compile(r"^[a-z_]+ robust z -?\d+\.\d (>|<) -?6(; .*)?$")


def _with_planted_whales(retail: pd.DataFrame) -> pd.DataFrame:
    whales = pd.DataFrame(
        {
            "customer_id": ["W1", "W2", "W3"],
            "recency_days": [1, 2, 1],
            "frequency": [900, 1100, 1000],
            "monetary": [5e8, 9e8, 7e8],
            "average_order_value": [5e8 / 900, 9e8 / 1100, 7e5],
            "tenure_days": [370, 372, 371],
        }
    )
    return pd.concat([retail, whales], ignore_index=True)


def test_robust_z_by_hand() -> None:
    values = np.array([1.0, 2.0, 3.0, 4.0, 100.0])
    z, median, scale, method = robust_z(values)
    # median 3, absolute deviations 2,1,0,1,97 -> MAD 1 -> scale 1.4826
    assert (median, method) == (3.0, "mad")
    assert scale == pytest.approx(1.4826)
    assert z[-1] == pytest.approx(97 / 1.4826)
    # MAD 0 (most values equal): falls back to 1.253314 * mean absolute deviation.
    z, median, scale, method = robust_z(np.array([1.0, 1.0, 1.0, 1.0, 6.0]))
    assert (median, method) == (1.0, "mean_abs_dev")
    assert scale == pytest.approx(1.253314 * 1.0)
    assert z[-1] == pytest.approx(5 / 1.253314)


def test_planted_extreme_customers_are_flagged_with_a_reason(
    retail: pd.DataFrame,
) -> None:
    fm = prepare_features(_with_planted_whales(retail), RETAIL_SPEC)
    res = flag_outliers(fm, threshold=6.0)
    flags = res.flags.set_index("customer_id")
    for whale in ("W1", "W2", "W3"):
        assert flags.loc[whale, "is_outlier"]
        assert "monetary robust z" in flags.loc[whale, "outlier_reason"]
    reasons = flags.loc[flags["is_outlier"], "outlier_reason"]
    assert reasons.map(lambda r: bool(REASON.match(r))).all(), reasons.head()
    assert flags.loc[~flags["is_outlier"], "outlier_reason"].isna().all()
    assert (flags.loc[flags["is_outlier"], "max_abs_robust_z"] > 6).all()
    assert (flags.loc[~flags["is_outlier"], "max_abs_robust_z"] <= 6).all()
    # A customer counts once even when several features exceed the threshold.
    assert res.mask.sum() == flags["is_outlier"].sum()
    assert res.scales["n_flagged"].sum() >= res.mask.sum()
    assert res.scales["feature"].tolist() == fm.features


def test_threshold_none_disables_the_rule(retail: pd.DataFrame) -> None:
    fm = prepare_features(_with_planted_whales(retail), RETAIL_SPEC)
    assert not flag_outliers(fm, threshold=None).mask.any()
    with pytest.raises(ValueError, match="threshold"):
        flag_outliers(fm, threshold=0)


def test_outliers_are_left_out_of_the_fit_and_never_a_cluster_of_their_own(
    retail: pd.DataFrame,
) -> None:
    data = _with_planted_whales(retail)
    config = {"features": RETAIL_SPEC, "seed": 5, **FAST, "fixed_k": 4}
    res = segment_customers(data, config)
    cc = res.customer_clusters.set_index("customer_id")
    outliers = cc[cc["is_outlier"]]
    assert {"W1", "W2", "W3"} <= set(outliers.index)
    # Every cluster has regular (non-outlier) members; outliers only join them.
    regular = cc.loc[~cc["is_outlier"], "cluster_id"]
    assert set(outliers["cluster_id"]) <= set(regular)
    assert sorted(cc["cluster_id"].unique()) == [1, 2, 3, 4]
    # Outliers sit at their nearest centroid.
    assert (
        outliers["distance_to_centroid"] <= outliers["distance_to_next_centroid"]
    ).all()
    # The centroids are those of a fit on the non-outliers only.
    fm = prepare_features(data, RETAIL_SPEC)
    mask = flag_outliers(fm).mask
    alone = kmeans(fm.x[~mask], 4, seed=derive_seed(5, FIT, 4), n_init=FAST["n_init"])
    zcols = [f"centroid_z_{f}" for f in fm.features]
    got = np.sort(res.centroids[zcols].to_numpy(), axis=0)
    np.testing.assert_allclose(got, np.sort(alone.centroids, axis=0), atol=1e-12)
    assert res.profiles["n_outliers"].sum() == len(outliers)
