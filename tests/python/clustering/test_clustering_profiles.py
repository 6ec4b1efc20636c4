"""Cluster profiles, category mix and response rates."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from segmentation.clustering import category_mix, cluster_profiles, response_rates
from segmentation.clustering.profiles import feature_profiles

TINY = pd.DataFrame(
    {
        "customer_id": ["a", "b", "c", "d", "e"],
        "cluster_id": [1, 1, 2, 2, 2],
        "cluster_name": ["Champions", "Champions", "Lost", "Lost", "Lost"],
        "is_outlier": [False, True, False, False, False],
        "monetary": [100.0, 300.0, 10.0, 20.0, -30.0],
        "frequency": [5, 7, 1, 1, np.nan],
        "responded": [1, 0, 0, np.nan, 1],
        "segment_name": ["Champions", "Loyal", "Lost", "Lost", None],
    }
)


def test_profiles_by_hand() -> None:
    centroids = pd.DataFrame(
        {"cluster_id": [1, 2], "centroid_z_monetary": [1.5, -0.7], "other": [0, 0]}
    )
    p = cluster_profiles(
        TINY,
        ["monetary", "frequency"],
        revenue_column="monetary",
        response_column="responded",
        centroids=centroids,
    )
    assert p["cluster_id"].tolist() == [1, 2]
    assert p["cluster_name"].tolist() == ["Champions", "Lost"]
    assert p["customers"].tolist() == [2, 3]
    assert p["share"].tolist() == pytest.approx([0.4, 0.6])
    assert p["n_outliers"].tolist() == [1, 0]
    assert p["mean_monetary"].tolist() == pytest.approx([200.0, 0.0])
    assert p["median_monetary"].tolist() == pytest.approx([200.0, 10.0])
    assert p["mean_frequency"].tolist() == pytest.approx([6.0, 1.0])  # null ignored
    assert p["revenue"].tolist() == pytest.approx([400.0, 0.0])
    assert p["revenue_share"].tolist() == pytest.approx([1.0, 0.0])
    # cluster 2: one responder out of two known responses
    assert p["responders"].tolist() == [1.0, 1.0]
    assert p["response_known"].tolist() == [2, 2]
    assert p["response_rate"].tolist() == pytest.approx([0.5, 0.5])
    assert p["centroid_z_monetary"].tolist() == [1.5, -0.7]
    assert "other" not in p.columns


def test_category_mix_long_format() -> None:
    mix = category_mix(TINY, "segment_name")
    assert list(mix.columns) == [
        "cluster_id",
        "category",
        "customers",
        "share_in_cluster",
    ]
    expected = pd.DataFrame(
        {
            "cluster_id": [1, 1, 2, 2],
            "category": ["Champions", "Loyal", "Lost", "(missing)"],
            "customers": [1, 1, 2, 1],
            "share_in_cluster": [0.5, 0.5, 2 / 3, 1 / 3],
        }
    )
    pd.testing.assert_frame_equal(mix, expected, check_dtype=False)


def test_response_rate_per_cluster_on_real_campaign_data(
    marketing: pd.DataFrame,
) -> None:
    data = marketing.assign(cluster_id=np.where(marketing["spend"] > 1000, 1, 2))
    rates = response_rates(data, "Response").set_index("cluster_id")
    for cid in (1, 2):
        members = data[data["cluster_id"] == cid]
        assert rates.loc[cid, "response_rate"] == pytest.approx(
            members["Response"].mean()
        )
    # Big spenders answered the last campaign more often (real data).
    assert rates.loc[1, "response_rate"] > rates.loc[2, "response_rate"]
    mix = category_mix(data, "Education")
    sums = mix.groupby("cluster_id")["share_in_cluster"].sum()
    np.testing.assert_allclose(sums, 1.0)
    assert mix.groupby("cluster_id")["customers"].sum().sum() == len(data)


def test_missing_columns_are_errors() -> None:
    with pytest.raises(ValueError, match="not found"):
        cluster_profiles(TINY, ["nope"])
    with pytest.raises(ValueError, match="not found"):
        category_mix(TINY, "nope")


def test_feature_profiles_long_form_by_hand() -> None:
    centroids = pd.DataFrame(
        {
            "cluster_id": [1, 2],
            "cluster_name": ["Champions", "Lost"],
            "centroid_z_monetary": [1.5, -1.0],
            "centroid_monetary": [200.0, 0.0],
        }
    )
    report = pd.DataFrame(
        {
            "feature": ["monetary", "frequency"],
            "transform": ["signed_log1p", "log1p"],
            "direction": ["higher_is_better", "higher_is_better"],
            "role": ["monetary", "frequency"],
            "kept": [True, False],
            "drop_reason": [None, "constant"],
        }
    )
    out = feature_profiles(
        TINY, ["monetary", "frequency"], centroids=centroids, feature_report=report
    )
    assert list(out["feature"]) == ["monetary", "frequency"] * 2
    assert list(out["feature_position"]) == [1, 2, 1, 2]
    rows = out.set_index(["cluster_id", "feature"])
    # Cluster 2 monetary: 10, 20, -30 -> mean 0, median 10; frequency: 1, 1, NaN.
    assert rows.loc[(2, "monetary"), "mean"] == pytest.approx(0.0)
    assert rows.loc[(2, "monetary"), "median"] == pytest.approx(10.0)
    assert rows.loc[(1, "monetary"), "mean"] == pytest.approx(200.0)
    assert rows.loc[(2, "frequency"), "mean"] == pytest.approx(1.0)
    assert rows.loc[(1, "monetary"), "centroid_z"] == pytest.approx(1.5)
    assert rows.loc[(2, "monetary"), "cluster_name"] == "Lost"
    # A feature the run dropped keeps its raw profile but has no centroid.
    assert np.isnan(rows.loc[(1, "frequency"), "centroid_z"])
    assert not rows.loc[(1, "frequency"), "kept"]
    assert rows.loc[(1, "frequency"), "drop_reason"] == "constant"
