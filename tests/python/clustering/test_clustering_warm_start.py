"""A refresh's K-means warm start: the stored run's k is kept and Lloyd starts
from its centroids, cluster i from stored centroid i; when the stored run
does not fit, k is chosen again over k_range and the reason is logged.

The stored run always makes the round trip a refresh makes: the run's
table, as the dbt model returns it, written to a real DuckDB table and read
back by the glue. The data are the real UCI Online Retail order lines,
summarised per customer as of two dates three weeks apart (the second adds
152 new customers and three weeks of orders of the others)."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

import duckdb
import numpy as np
import pandas as pd
import pytest
from clustering_data import FAST, MARKETING_SPEC, RETAIL, RETAIL_SPEC, RETAIL_SQL

from segmentation.clustering import (
    SegmentationResult,
    default_naming_rules,
    kmeans,
    segment_customers,
)
from segmentation.clustering.kmeans_core import EmptyClusterError, kmeans_from
from segmentation.clustering.warm_start import StoredRun
from segmentation.dbt_glue.clustering import (
    kmeans_results,
    results_table,
    stored_run,
)

CONFIG = {"features": RETAIL_SPEC, "seed": 3, **FAST}
K_RANGE = list(range(FAST["k_range"][0], FAST["k_range"][1] + 1))
BEFORE, NOW = "2011-11-20", "2011-12-10"


def customers_as_of(day: str) -> pd.DataFrame:
    """The retail customers and their features as a build on `day` sees them."""
    with duckdb.connect() as con:
        return con.execute(RETAIL_SQL, {"as_of": pd.Timestamp(day)}).df()


def stored_from(result: SegmentationResult) -> StoredRun:
    """The run as a refresh finds it: the model's table in a DuckDB file,
    read back by the glue."""
    con = duckdb.connect()
    con.register("returned", results_table(result))
    con.execute("create table int_kmeans_results as select * from returned")
    stored = stored_run(con, "int_kmeans_results")
    assert stored is not None
    return stored


@contextmanager
def progress_lines() -> Iterator[list[str]]:
    """The lines the clustering logs (progress, warm start, fallbacks)."""
    lines: list[str] = []
    handler = logging.Handler(logging.INFO)
    handler.emit = lambda record: lines.append(record.getMessage())  # type: ignore[method-assign]
    log = logging.getLogger("segmentation.clustering")
    level = log.level
    log.setLevel(logging.INFO)
    log.addHandler(handler)
    try:
        yield lines
    finally:
        log.removeHandler(handler)
        log.setLevel(level)


def k_lines(lines: list[str]) -> list[str]:
    """The progress lines of the k measured."""
    return [line for line in lines if line.startswith("k-means k=")]


@pytest.fixture(scope="module")
def before() -> pd.DataFrame:
    if not RETAIL.exists():
        pytest.skip(f"real data set not available: {RETAIL}")
    return customers_as_of(BEFORE)


@pytest.fixture(scope="module")
def now() -> pd.DataFrame:
    if not RETAIL.exists():
        pytest.skip(f"real data set not available: {RETAIL}")
    return customers_as_of(NOW)


@pytest.fixture(scope="module")
def stored_run_before(before: pd.DataFrame) -> SegmentationResult:
    return segment_customers(before, CONFIG)


@pytest.fixture(scope="module")
def refresh(
    now: pd.DataFrame, stored_run_before: SegmentationResult
) -> tuple[SegmentationResult, list[str]]:
    with progress_lines() as lines:
        result = segment_customers(
            now, CONFIG, stored_run=stored_from(stored_run_before)
        )
    return result, lines


def fallback(
    data: pd.DataFrame, config: dict, stored: StoredRun
) -> tuple[SegmentationResult, str]:
    """A run that must refuse the warm start: its result and the logged
    reason, after checking it chose k over the whole k_range."""
    with progress_lines() as lines:
        result = segment_customers(data, config, stored_run=stored)
    refused = [line for line in lines if "no warm start" in line]
    assert len(refused) == 1, lines
    after = lines[lines.index(refused[0]) :]
    record = result.run_record.iloc[0]
    assert record["k_source"] == "selection"
    assert record["warm_start_note"] in refused[0]
    expected_k = list(range(config["k_range"][0], config["k_range"][1] + 1))
    assert result.model_selection["k"].tolist() == expected_k
    assert len(k_lines(after)) == len(expected_k)
    return result, refused[0]


def test_the_data_a_few_weeks_on_have_new_customers(before, now):
    new = set(now["customer_id"]) - set(before["customer_id"])
    assert len(new) == 152
    assert set(before["customer_id"]) <= set(now["customer_id"])


def test_a_refresh_keeps_the_stored_k_and_measures_only_it(refresh, stored_run_before):
    result, lines = refresh
    k = stored_run_before.chosen_k
    assert result.chosen_k == k
    assert result.run_record.iloc[0]["k_source"] == "stored run"
    # One k measured (for the quality thresholds), no sweep over k_range.
    assert len(k_lines(lines)) == 1
    assert k_lines(lines)[0].startswith(f"k-means k={k} (1/1)")
    assert any(
        line.startswith("K-means: warm start from the stored run") for line in lines
    )


def test_cluster_i_keeps_stored_id_i(refresh, stored_run_before):
    result, _ = refresh
    profiles = result.profiles.set_index("cluster_id")
    assert profiles.index.tolist() == stored_run_before.profiles["cluster_id"].tolist()
    assert (profiles["previous_cluster_id"] == profiles.index).all()
    # Most customers of each stored cluster are in the cluster of the same
    # id three weeks on.
    old = stored_run_before.customer_clusters.set_index("customer_id")["cluster_id"]
    new = result.customer_clusters.set_index("customer_id")["cluster_id"]
    crossed = pd.crosstab(old, new.loc[old.index])
    assert (crossed.idxmax(axis=1) == crossed.index).all()
    assert np.trace(crossed.to_numpy()) / len(old) > 0.85


def test_every_customer_new_ones_included_gets_a_cluster(refresh, now):
    result, _ = refresh
    clusters = result.customer_clusters
    assert clusters["customer_id"].tolist() == sorted(now["customer_id"])
    assert clusters["cluster_id"].isin(result.profiles["cluster_id"]).all()


def test_the_other_k_carry_the_stored_figures(refresh, stored_run_before):
    result, _ = refresh
    k = stored_run_before.chosen_k
    table = result.model_selection.set_index("k")
    stored = stored_run_before.model_selection.set_index("k")
    assert table.index.tolist() == K_RANGE
    assert table["is_chosen"].tolist() == [i == k for i in K_RANGE]
    figures = ["silhouette", "stability_ari", "inertia", "min_cluster_customers"]
    others = [i for i in K_RANGE if i != k]
    pd.testing.assert_frame_equal(
        table.loc[others, figures], stored.loc[others, figures], check_dtype=False
    )
    # The kept k's row is measured on this run's customers.
    assert table.loc[k, "inertia"] != stored.loc[k, "inertia"]
    assert table.loc[k, "passes_gates"]
    reason = table.loc[k, "chosen_k_reason"]
    assert reason.startswith(f"k={k} kept from the stored run")
    assert reason.endswith(stored.loc[k, "chosen_k_reason"])


def test_a_warm_start_is_deterministic(refresh, now, stored_run_before):
    result, _ = refresh
    again = segment_customers(now, CONFIG, stored_run=stored_from(stored_run_before))
    pd.testing.assert_frame_equal(
        result.customer_clusters, again.customer_clusters, check_exact=True
    )
    pd.testing.assert_frame_equal(
        result.model_selection, again.model_selection, check_exact=True
    )


def test_unchanged_data_give_the_cold_partition_again(now):
    cold = segment_customers(now, CONFIG)
    with progress_lines() as lines:
        warm = segment_customers(now, CONFIG, stored_run=stored_from(cold))
    assert len(k_lines(lines)) == 1
    assert (
        "the stored centroids already fit these customers"
        in (warm.run_record.iloc[0]["warm_start_note"])
    )
    pd.testing.assert_series_equal(
        warm.customer_clusters["cluster_id"], cold.customer_clusters["cluster_id"]
    )
    pd.testing.assert_frame_equal(
        warm.profiles[["cluster_id", "cluster_name", "customers"]],
        cold.profiles[["cluster_id", "cluster_name", "customers"]],
    )
    columns = ["k", "silhouette", "stability_ari", "passes_gates", "is_chosen"]
    pd.testing.assert_frame_equal(
        warm.model_selection[columns], cold.model_selection[columns]
    )


def test_a_stored_run_without_its_record_is_refused_and_ids_still_match(
    now, stored_run_before
):
    stored = stored_from(stored_run_before)
    result, reason = fallback(now, CONFIG, StoredRun(centroids=stored.centroids))
    assert "recorded neither its settings nor its model selection" in reason
    assert result.profiles["previous_cluster_id"].notna().all()


def test_other_features_refuse_the_warm_start(now, stored_run_before):
    config = {**CONFIG, "features": RETAIL_SPEC[:4]}
    _, reason = fallback(now, config, stored_from(stored_run_before))
    assert (
        "the stored run chose its k with other settings: config key 'features'"
        in reason
    )


def test_other_k_settings_refuse_the_warm_start(now, stored_run_before):
    config = {**CONFIG, "k_range": [2, 6]}
    _, reason = fallback(now, config, stored_from(stored_run_before))
    assert "config key 'k_range' [2,7] then, [2,6] now" in reason


def test_features_applied_otherwise_refuse_the_warm_start(marketing):
    # Income, transform auto: log1p on the skewed incomes, none on incomes
    # already logged.
    config = {**FAST, "features": MARKETING_SPEC, "seed": 3, "min_silhouette": 0.1}
    stored = stored_from(segment_customers(marketing, config))
    logged = marketing.assign(Income=np.log1p(marketing["Income"]))
    _, reason = fallback(logged, config, stored)
    assert "the stored run clustered on Recency (none)" in reason
    assert "Income (log1p)" in reason
    assert "this data gives" in reason and "Income (none)" in reason


def test_a_cluster_that_empties_refuses_the_warm_start(now, stored_run_before):
    stored = stored_from(stored_run_before)
    centroids = stored.centroids.copy()
    # Cluster 2 starts ten thousand years of tenure away from every customer.
    centroids.loc[centroids["cluster_id"] == 2, "centroid_tenure_days"] = 3.65e6
    moved = StoredRun(centroids, stored.model_selection, stored.record)
    result, reason = fallback(now, CONFIG, moved)
    assert "stored cluster 2 lost every customer after 0 Lloyd iterations" in reason
    assert result.centroids["cluster_id"].tolist() == [1, 2, 3]


def test_stored_centroids_lacking_a_feature_are_refused_and_not_matched(
    now, stored_run_before
):
    stored = stored_from(stored_run_before)
    partial = stored.centroids.drop(columns="centroid_tenure_days")
    with progress_lines() as lines:
        result, reason = fallback(
            now, CONFIG, StoredRun(partial, stored.model_selection, stored.record)
        )
    assert "lacks the centroid of a feature of this run (centroid_tenure_days)" in (
        reason
    )
    assert any("their ids cannot be kept" in line for line in lines)
    assert result.profiles["previous_cluster_id"].isna().all()


def test_a_start_that_misses_the_quality_thresholds_is_refused(now, before):
    # No k reaches a silhouette of 0.9: the stored run took the least bad
    # k, and the clusters fitted from it miss the threshold again.
    config = {**CONFIG, "min_silhouette": 0.9}
    stored = stored_from(segment_customers(before, config))
    _, reason = fallback(now, config, stored)
    assert "miss config key 'min_silhouette' (silhouette 0." in reason
    assert "< 0.9)" in reason


def test_a_centroid_moving_beyond_max_match_distance_is_refused(now, stored_run_before):
    config = {**CONFIG, "max_match_distance": 0.01}
    _, reason = fallback(now, config, stored_from(stored_run_before))
    assert (
        "z units from the stored one, beyond config key 'max_match_distance'" in reason
    )


def test_the_glue_words_a_fallback_in_vars(now, stored_run_before, capsys):
    con = duckdb.connect()
    con.register("customers", now)
    con.register("rules", default_naming_rules())
    table = kmeans_results(
        con.sql("select * from customers"),
        con.sql("select * from rules"),
        {**CONFIG, "k_range": [2, 6]},
        stored_from(stored_run_before),
    )
    out = capsys.readouterr().out
    assert (
        "K-means: no warm start, so k is chosen again over var clustering.k_range"
        in out
    )
    assert "var clustering.k_range [2,7] then, [2,6] now" in out
    con.register("results", table)
    assert con.sql(
        "select run.k_source, run.warm_start_note like '%var clustering.k_range%'"
        " from results where part = 'run'"
    ).fetchall() == [("selection", True)]


def test_no_stored_table_is_said_and_chooses_k(capsys):
    con = duckdb.connect()
    assert stored_run(con, "int_kmeans_results") is None
    out = capsys.readouterr().out
    assert (
        "K-means: no warm start, so k is chosen again over var clustering.k_range:"
        " the stored build holds no K-means run" in out
    )


def test_kmeans_from_a_converged_fit_gives_it_back_in_the_start_order(retail_x):
    fit = kmeans(retail_x, 4, seed=5, n_init=2)
    order = [2, 0, 3, 1]
    again = kmeans_from(retail_x, fit.centroids[order])
    assert again.n_iter == 0
    np.testing.assert_array_equal(again.centroids, fit.centroids[order])
    np.testing.assert_array_equal(again.labels, np.argsort(order)[fit.labels])


def test_kmeans_from_a_shifted_start_runs_lloyd_back_to_the_fit(retail_x):
    fit = kmeans(retail_x, 4, seed=5, n_init=2)
    again = kmeans_from(retail_x, fit.centroids + 0.3)
    assert again.n_iter >= 2 and again.converged
    np.testing.assert_allclose(again.centroids, fit.centroids, atol=0.05)
    assert (again.labels == fit.labels).mean() > 0.99


def test_kmeans_from_stops_when_a_cluster_empties(retail_x):
    fit = kmeans(retail_x, 3, seed=5, n_init=2)
    start = np.vstack([fit.centroids, np.full(retail_x.shape[1], 1e3)])
    with pytest.raises(EmptyClusterError) as err:
        kmeans_from(retail_x, start)
    assert (err.value.cluster, err.value.iteration) == (3, 0)
