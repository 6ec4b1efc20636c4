"""segment_customers end to end on the real data sets, and config validation."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from clustering_data import FAST, MARKETING_SPEC, RETAIL_SPEC

from segmentation.clustering import (
    SegmentationResult,
    SettingError,
    TooFewDistinctPointsError,
    parse_config,
    segment_customers,
)
from segmentation.clustering.pipeline import CUSTOMER_COLUMNS


@pytest.fixture(scope="module")
def retail_run(retail: pd.DataFrame) -> SegmentationResult:
    return segment_customers(retail, {"features": RETAIL_SPEC, "seed": 1, **FAST})


def test_retail_segmentation_outputs(
    retail: pd.DataFrame, retail_run: SegmentationResult
) -> None:
    res = retail_run
    cc = res.customer_clusters
    assert list(cc.columns) == CUSTOMER_COLUMNS
    assert cc["customer_id"].tolist() == sorted(retail["customer_id"])
    k = res.chosen_k
    assert 3 <= k <= 7
    assert f"k={k}" in res.chosen_k_reason and "silhouette" in res.chosen_k_reason
    assert sorted(cc["cluster_id"].unique()) == list(range(1, k + 1))
    assert res.model_selection["k"].tolist() == list(range(2, 8))
    assert res.model_selection["is_chosen"].sum() == 1
    assert res.centroids["cluster_name"].is_unique
    assert len(res.profiles) == k
    assert res.profiles["share"].sum() == pytest.approx(1.0)
    assert res.profiles["revenue_share"].sum() == pytest.approx(1.0)
    assert (cc["distance_to_centroid"] <= cc["distance_to_next_centroid"]).all()
    names = cc.groupby("cluster_id")["cluster_name"].nunique()
    assert (names == 1).all()
    # Raw-unit centroids are the back-transformed z centroids.
    row = res.centroids.iloc[0]
    rep = res.feature_report.set_index("feature")
    z = row["centroid_z_recency_days"]
    raw = np.expm1(z * rep.loc["recency_days", "std"] + rep.loc["recency_days", "mean"])
    assert row["centroid_recency_days"] == pytest.approx(raw)
    # Side by side: every customer once per k.
    comp = res.comparison_assignments
    assert len(comp) == 2 * len(retail)
    assert comp.groupby("k")["customer_id"].nunique().tolist() == [len(retail)] * 2
    assert res.comparison_summary["k"].tolist() == [3, 4]
    assert (res.comparison_summary["max_cluster_share"] < 1).all()
    if k in (3, 4):
        side = comp[comp["k"] == k].reset_index(drop=True)
        assert (side["cluster_id"] == cc["cluster_id"]).all()


def test_sub_clusters_only_for_clusters_above_the_share(
    retail_run: SegmentationResult,
) -> None:
    res = retail_run
    cc = res.customer_clusters
    shares = cc["cluster_id"].value_counts(normalize=True)
    big = set(shares[shares > 0.40].index)
    split = set(cc.loc[cc["sub_cluster_id"].notna(), "cluster_id"])
    assert split == big
    assert set(res.split_decisions["cluster_id"]) == big


def test_marketing_data_with_missing_income_and_response_rates(
    marketing: pd.DataFrame,
) -> None:
    config = {
        "features": MARKETING_SPEC,
        "seed": 2,
        **FAST,
        "fixed_k": 4,
        "response_column": "Response",
        "compare_k": [],
    }
    res = segment_customers(marketing, config)
    cc = res.customer_clusters
    assert len(cc) == len(marketing)
    assert (cc["imputed_features"] == "Income").sum() == 24
    assert res.chosen_k == 4
    p = res.profiles
    assert p["response_rate"].between(0, 1).all()
    overall = (p["responders"].sum()) / p["response_known"].sum()
    assert overall == pytest.approx(marketing["Response"].mean())
    assert p["revenue_share"].sum() == pytest.approx(1.0)  # spend has role monetary
    assert res.comparison_assignments.empty


def test_too_few_distinct_customers_names_the_k_setting() -> None:
    df = pd.DataFrame(
        {
            "customer_id": [f"c{i}" for i in range(60)],
            "recency_days": [1.0, 50.0, 300.0] * 20,
            "frequency": [9.0, 3.0, 1.0] * 20,
        }
    )
    config = {
        "features": ["recency_days", "frequency"],
        "fixed_k": 5,
        "k_range": [2, 3],
        "n_bootstrap": 0,
        "min_stability": None,
        "compare_k": [],
    }
    with pytest.raises(TooFewDistinctPointsError) as err:
        segment_customers(df, config)
    assert str(err.value) == (
        "asked for k=5 clusters but the data has only 3 distinct customers; "
        "lower k (config key 'fixed_k')"
    )
    config["fixed_k"] = None
    config["k_range"] = [2, 4]
    with pytest.raises(ValueError, match=r"k=4 .* only 3 distinct .*'k_range'"):
        segment_customers(df, config)
    config["k_range"] = [2, 3]
    config["compare_k"] = [6]
    with pytest.raises(ValueError, match=r"k=6 .* only 3 distinct .*'compare_k'"):
        segment_customers(df, config)


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ({}, "config key 'features' is required"),
        ({"features": ["a"], "n_clusters": 4}, r"unknown settings \['n_clusters'\]"),
        (
            {"features": ["a"], "outlier_threshold": 6},
            r"unknown settings \['outlier_threshold'\]",
        ),
        ({"features": ["a"], "k_range": [5, 3]}, "'k_range' must have min <= max"),
        ({"features": ["a"], "k_range": 5}, r"'k_range' must be \[min, max\]"),
        ({"features": ["a"], "n_init": 0}, "'n_init' must be >= 1"),
        ({"features": ["a"], "seed": "x"}, "'seed' must be an integer"),
        (
            {"features": ["a"], "max_cluster_share": 1.5},
            "'max_cluster_share' must be <=",
        ),
        (
            {"features": ["a"], "outlier_z": 0},
            "'outlier_z' must be > 0",
        ),
        ({"features": ["a"], "compare_k": [3, 1]}, r"'compare_k\[1\]' must be >= 2"),
        ({"features": "a"}, "'features' must be a non-empty list"),
        ({"features": [{"name": "a", "transform": "sqrt"}]}, "transform 'sqrt'"),
        (
            {"features": ["a"], "n_bootstrap": 0},
            "'n_bootstrap' = 0 measures no stability, so config key "
            "'min_stability' cannot be checked",
        ),
        (
            {"features": ["a"], "k_range": [2, 4], "business_k_range": [5, 7]},
            "'business_k_range' 5..7 must overlap config key 'k_range' 2..4",
        ),
        ({"features": ["a"], "min_cluster_customers": None}, "must not be null"),
    ],
)
def test_config_errors_name_the_key(config: dict, message: str) -> None:
    with pytest.raises(SettingError, match=message) as err:
        parse_config(config)
    # Rendered for the dbt project, the same error names the var instead.
    named = err.value.render(lambda key: f"var clustering.{key}")
    for key in err.value.keys:
        assert f"var clustering.{key}" in named


def test_config_defaults() -> None:
    cfg = parse_config({"features": ["recency_days"], "k_range": {"min": 2, "max": 6}})
    assert cfg.k_range == (2, 6)
    assert cfg.business_k_range == (3, 7)
    assert cfg.max_cluster_share == 0.40
    assert (cfg.outlier_z, cfg.max_outlier_share) == (5.0, 0.02)
    assert (cfg.min_silhouette, cfg.min_stability) == (0.25, 0.80)
    assert cfg.compare_k == (3, 4, 5)
    assert cfg.features[0].direction == "lower_is_better"
    assert parse_config({"features": ["a"], "outlier_z": None}).outlier_z is None
