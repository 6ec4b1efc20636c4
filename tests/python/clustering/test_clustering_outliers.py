"""Outlier rule (z beyond outlier_z, capped share) on skewed, bimodal and
heavy-tailed shapes, on real order histories, and in the segmentation."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
from cdnow import cdnow_rfm
from clustering_data import FAST, RETAIL_SPEC

from segmentation.clustering import (
    flag_outliers,
    kmeans,
    prepare_features,
    segment_customers,
)
from segmentation.clustering.seeds import FIT, derive_seed

REASON = re.compile(r"^[a-z_]+ z -?\d+\.\d (>|<) -?5(; .*)?$")


def _one_feature(values: np.ndarray, transform: str = "none") -> pd.DataFrame:
    return pd.DataFrame(
        {"customer_id": [f"c{i:06d}" for i in range(len(values))], "x": values}
    )


def _flags(values: np.ndarray, **kwargs: object) -> tuple[np.ndarray, object]:
    frame = _one_feature(values)
    fm = prepare_features(frame, [{"name": "x"}])
    res = flag_outliers(fm, **kwargs)
    # Back to the input's row order (the matrix is sorted by id, which here
    # is the input order too).
    assert (fm.row_order == np.arange(len(values))).all()
    return res.mask, res


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


def test_a_skewed_feature_loses_only_its_far_tail() -> None:
    values = np.random.default_rng(1).lognormal(0.0, 1.0, 20_000)
    mask, res = _flags(values)
    z = (values - values.mean()) / values.std()
    # Exactly the customers beyond 5 standard deviations, a fraction of 1%,
    # all in the upper tail.
    assert (mask == (np.abs(z) > 5)).all()
    assert 0 < mask.mean() < 0.01
    assert values[mask].min() > values[~mask].max()
    assert res.threshold == 5.0 and not res.capped


@pytest.mark.parametrize("minority", [0.05, 0.23, 0.45])
def test_a_mode_of_the_data_is_never_flagged(minority: float) -> None:
    # Two tight modes far apart (dormant and recent customers): each is a
    # group of customers, not a handful of extremes.
    rng = np.random.default_rng(2)
    n = 20_000
    m = int(minority * n)
    values = np.concatenate([rng.normal(500.0, 5.0, n - m), rng.normal(20.0, 5.0, m)])
    mask, _ = _flags(values)
    assert not mask.any()


def test_a_mode_is_kept_when_most_customers_share_one_value() -> None:
    # 60% bought once: a median-based scale is 0 here and flagged every
    # repeat buyer; the standard deviation is not.
    rng = np.random.default_rng(3)
    n = 20_000
    orders = np.concatenate(
        [
            np.ones(int(0.60 * n)),
            rng.integers(2, 4, int(0.25 * n)),
            rng.integers(4, 40, n - int(0.60 * n) - int(0.25 * n)),
        ]
    )
    frame = _one_feature(orders)
    fm = prepare_features(frame, [{"name": "x", "transform": "log1p"}])
    res = flag_outliers(fm)
    assert not res.mask.any()


def test_a_heavy_tail_is_capped_at_the_share() -> None:
    # Student t with 3 degrees of freedom: extremes far beyond 5 standard
    # deviations, plus a 3% cluster of customers 60 units away (beyond 5 SD
    # as a group: a group that small may be flagged, so the cap decides).
    rng = np.random.default_rng(4)
    n = 20_000
    body = rng.standard_t(3, n - 600)
    far = rng.normal(60.0, 0.5, 600)
    values = np.concatenate([body, far])
    z = np.abs((values - values.mean()) / values.std())
    assert (z > 5).mean() > 0.02  # more than the cap lie beyond 5
    mask, res = _flags(values, max_share=0.02)
    assert mask.sum() <= int(0.02 * n)
    assert mask.sum() >= int(0.02 * n) - 5  # the cap is used, not undershot
    assert res.capped and res.threshold > 5
    # The most extreme customers are the ones flagged.
    assert z[mask].min() > z[~mask].max()
    assert (res.flags.loc[mask, "outlier_reason"].str.contains("cap")).all()


def test_ties_at_the_cap_are_not_flagged() -> None:
    values = np.concatenate([np.zeros(960), np.full(40, 50.0)])
    mask, res = _flags(values, max_z=1.0, max_share=0.02)
    # The 40 far customers are tied: flagging some would be arbitrary.
    assert not mask.any()
    assert res.capped


def test_real_order_histories_flag_few_customers(retail: pd.DataFrame) -> None:
    for customers in (retail, cdnow_rfm()):
        fm = prepare_features(customers, RETAIL_SPEC)
        res = flag_outliers(fm)
        assert 0 < res.mask.mean() <= 0.02
        assert not res.capped


def test_planted_extreme_customers_are_flagged_with_a_reason(
    retail: pd.DataFrame,
) -> None:
    fm = prepare_features(_with_planted_whales(retail), RETAIL_SPEC)
    res = flag_outliers(fm, max_z=5.0)
    flags = res.flags.set_index("customer_id")
    for whale in ("W1", "W2", "W3"):
        assert flags.loc[whale, "is_outlier"]
        assert "monetary z" in flags.loc[whale, "outlier_reason"]
    reasons = flags.loc[flags["is_outlier"], "outlier_reason"]
    assert reasons.map(lambda r: bool(REASON.match(r))).all(), reasons.head()
    assert flags.loc[~flags["is_outlier"], "outlier_reason"].isna().all()
    assert (flags.loc[flags["is_outlier"], "max_abs_z"] > 5).all()
    assert (flags.loc[~flags["is_outlier"], "max_abs_z"] <= 5).all()
    # A customer counts once even when several features exceed the threshold.
    assert res.features["n_flagged"].sum() >= res.mask.sum()
    assert res.features["feature"].tolist() == fm.features


def test_none_disables_the_rule_and_bad_values_are_refused(
    retail: pd.DataFrame,
) -> None:
    fm = prepare_features(_with_planted_whales(retail), RETAIL_SPEC)
    assert not flag_outliers(fm, max_z=None).mask.any()
    with pytest.raises(ValueError, match="max_z"):
        flag_outliers(fm, max_z=0)
    with pytest.raises(ValueError, match="max_share"):
        flag_outliers(fm, max_share=1.5)


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
