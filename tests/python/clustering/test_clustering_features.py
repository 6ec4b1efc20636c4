"""Feature preparation: spec parsing, transforms, imputation, constant features."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from clustering_data import MARKETING_SPEC, RETAIL_SPEC
from scipy import stats

from segmentation.clustering import (
    FeatureDroppedWarning,
    parse_feature_specs,
    prepare_features,
)


def test_retail_features_are_z_scores_of_the_transformed_values(
    retail: pd.DataFrame,
) -> None:
    fm = prepare_features(retail, RETAIL_SPEC)
    assert fm.features == [s["name"] for s in RETAIL_SPEC]
    assert not np.isnan(fm.x).any()
    np.testing.assert_allclose(fm.x.mean(axis=0), 0.0, atol=1e-12)
    np.testing.assert_allclose(fm.x.std(axis=0), 1.0, rtol=1e-12)
    # monetary can be <= 0 (one real customer): signed_log1p keeps its sign.
    by_id = retail.set_index("customer_id").loc[list(fm.customer_ids)]
    m = by_id["monetary"].to_numpy()
    assert (m <= 0).any()
    expected = np.sign(m) * np.log1p(np.abs(m))
    j = fm.features.index("monetary")
    np.testing.assert_allclose(fm.x[:, j] * fm.stds[j] + fm.means[j], expected)
    r = fm.features.index("recency_days")
    np.testing.assert_allclose(
        fm.x[:, r] * fm.stds[r] + fm.means[r], np.log1p(by_id["recency_days"])
    )
    assert list(fm.customer_ids) == sorted(retail["customer_id"])


def test_inverse_transform_round_trips_to_raw_units(retail: pd.DataFrame) -> None:
    fm = prepare_features(retail, RETAIL_SPEC)
    raw = fm.inverse_transform(fm.x[:50])
    by_id = retail.set_index("customer_id").loc[list(fm.customer_ids[:50])]
    np.testing.assert_allclose(raw, by_id[fm.features].to_numpy(float), rtol=1e-9)
    np.testing.assert_allclose(fm.standardise_raw(raw), fm.x[:50], atol=1e-9)


def test_input_row_order_does_not_matter(retail: pd.DataFrame) -> None:
    shuffled = retail.sample(frac=1.0, random_state=4)
    a = prepare_features(retail, RETAIL_SPEC)
    b = prepare_features(shuffled, RETAIL_SPEC)
    assert list(a.customer_ids) == list(b.customer_ids)
    np.testing.assert_allclose(a.x, b.x, rtol=0, atol=1e-12)


def test_constant_feature_is_dropped_with_a_warning_and_no_nan(
    marketing: pd.DataFrame,
) -> None:
    # Z_CostContact is 3 for every customer in the real file.
    spec = [*MARKETING_SPEC, {"name": "Z_CostContact"}]
    with pytest.warns(FeatureDroppedWarning, match="Z_CostContact.*constant"):
        fm = prepare_features(marketing, spec)
    assert "Z_CostContact" not in fm.features
    assert fm.x.shape[1] == len(MARKETING_SPEC)
    assert np.isfinite(fm.x).all()
    dropped = fm.dropped
    assert dropped["feature"].tolist() == ["Z_CostContact"]
    assert "zero variance" in dropped["drop_reason"].iloc[0]


def test_all_missing_feature_is_dropped_and_no_feature_left_is_an_error() -> None:
    df = pd.DataFrame(
        {"customer_id": ["a", "b", "c"], "x": [1.0, 2.0, 4.0], "y": [np.nan] * 3}
    )
    with pytest.warns(FeatureDroppedWarning, match="all values missing"):
        fm = prepare_features(df, ["x", "y"])
    assert fm.features == ["x"]
    with (
        warnings.catch_warnings(),
        pytest.raises(ValueError, match="no feature left.*y: all values missing"),
    ):
        warnings.simplefilter("ignore", FeatureDroppedWarning)
        prepare_features(df, ["y"])


def test_missing_income_is_imputed_with_the_median_and_counted(
    marketing: pd.DataFrame,
) -> None:
    fm = prepare_features(marketing, MARKETING_SPEC)
    n_missing = int(marketing["Income"].isna().sum())
    assert n_missing == 24  # as published
    row = fm.report.set_index("feature").loc["Income"]
    assert row["n_missing"] == n_missing
    assert row["fill_value"] == pytest.approx(marketing["Income"].median())
    flags = fm.missing["Income"]
    missing_ids = set(marketing.loc[marketing["Income"].isna(), "customer_id"])
    assert set(flags[flags].index) == missing_ids
    imputed = fm.imputed_features()
    assert (imputed[list(missing_ids)] == "Income").all()
    assert (imputed.drop(list(missing_ids)) == "").all()
    # The imputed customers sit at the (transformed) median, like any value.
    j = fm.features.index("Income")
    z_missing = fm.x[np.flatnonzero(flags.to_numpy()), j]
    assert np.unique(z_missing).size == 1


def test_auto_transform_uses_log1p_only_for_skewed_non_negative_columns(
    marketing: pd.DataFrame,
) -> None:
    rng = np.random.default_rng(0)
    df = pd.DataFrame(
        {
            "customer_id": [f"c{i}" for i in range(2000)],
            "skewed": rng.lognormal(3.0, 1.0, 2000),
            "symmetric": rng.normal(10.0, 2.0, 2000),
            "skewed_negative": rng.lognormal(3.0, 1.0, 2000) - 5.0,
        }
    )
    spec = [{"name": c, "transform": "auto"} for c in df.columns[1:]]
    report = prepare_features(df, spec).report.set_index("feature")
    assert report.loc["skewed", "transform"] == "log1p"
    assert report.loc["symmetric", "transform"] == "none"
    assert report.loc["skewed_negative", "transform"] == "none"
    skew = stats.skew(df["skewed"])
    assert report.loc["skewed", "skewness"] == pytest.approx(skew)
    # Income in the real file is skewed by a few very high incomes.
    income = prepare_features(marketing, MARKETING_SPEC).report.set_index("feature")
    assert income.loc["Income", "transform"] == "log1p"


def test_log1p_on_negative_values_is_an_error_naming_the_feature(
    retail: pd.DataFrame,
) -> None:
    refunded = retail.copy()
    refunded.loc[0, "monetary"] = -50.0  # net revenue after a refund
    with pytest.raises(
        ValueError, match="'monetary' has negative values.*signed_log1p"
    ):
        prepare_features(refunded, [{"name": "monetary", "transform": "log1p"}])
    fm = prepare_features(refunded, [{"name": "monetary", "transform": "signed_log1p"}])
    assert np.isfinite(fm.x).all()


def test_spec_defaults_and_errors() -> None:
    specs = parse_feature_specs(["recency_days", {"name": "monetary_net"}])
    assert specs[0].direction == "lower_is_better" and specs[0].role == "recency"
    assert specs[1].direction == "higher_is_better" and specs[1].role == "monetary"
    assert specs[0].transform == "none"
    with pytest.raises(ValueError, match="transform 'log2'"):
        parse_feature_specs([{"name": "a", "transform": "log2"}])
    with pytest.raises(ValueError, match="unknown keys"):
        parse_feature_specs([{"name": "a", "scale": 2}])
    with pytest.raises(ValueError, match="more than once"):
        parse_feature_specs(["a", "a"])
    with pytest.raises(ValueError, match="non-empty list"):
        parse_feature_specs([])


def test_bad_ids_and_columns_are_errors() -> None:
    df = pd.DataFrame({"customer_id": ["a", "a", "b"], "x": [1.0, 2.0, 3.0]})
    with pytest.raises(ValueError, match="duplicate ids.*'a'"):
        prepare_features(df, ["x"])
    df = pd.DataFrame({"customer_id": ["a", None], "x": [1.0, 2.0]})
    with pytest.raises(ValueError, match="null ids"):
        prepare_features(df, ["x"])
    df = pd.DataFrame({"customer_id": ["a", "b"], "x": [1.0, np.inf], "s": ["u", "v"]})
    with pytest.raises(ValueError, match="'x' holds infinite"):
        prepare_features(df, ["x"])
    with pytest.raises(ValueError, match="'s' is not numeric"):
        prepare_features(df, ["s"])
    with pytest.raises(ValueError, match=r"not in the input: \['zz'\]"):
        prepare_features(df, ["zz"])
