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
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace

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


def refreshed(
    now: pd.DataFrame, stored: SegmentationResult, config: dict
) -> tuple[SegmentationResult, list[str]]:
    """A refresh's run on `now` from the `stored` run, with its progress
    lines."""
    with progress_lines() as lines:
        result = segment_customers(now, config, stored_run=stored_from(stored))
    return result, lines


@pytest.fixture(scope="module")
def refresh(
    now: pd.DataFrame, stored_run_before: SegmentationResult
) -> tuple[SegmentationResult, list[str]]:
    return refreshed(now, stored_run_before, CONFIG)


def fallback(
    data: pd.DataFrame, config: dict, stored: StoredRun
) -> tuple[SegmentationResult, str]:
    """A run that must refuse the warm start: its result and the logged
    reason, after checking it chose k over the whole k_range."""
    with progress_lines() as lines:
        result = segment_customers(data, config, stored_run=stored)
    refused = [line for line in lines if line.startswith("K-means: no warm start")]
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


def glue_run(
    now: pd.DataFrame, config: dict, stored: SegmentationResult, capsys
) -> tuple[duckdb.DuckDBPyConnection, str]:
    """The dbt glue's K-means tables on `now` from the `stored` run, as
    table `results` of the connection returned, and what the glue printed."""
    con = duckdb.connect()
    con.register("customers", now)
    con.register("rules", default_naming_rules())
    table = kmeans_results(
        con.sql("select * from customers"),
        con.sql("select * from rules"),
        config,
        stored_from(stored),
    )
    con.register("results", table)
    return con, capsys.readouterr().out


def test_the_glue_words_a_fallback_in_vars(now, stored_run_before, capsys):
    con, out = glue_run(now, {**CONFIG, "k_range": [2, 6]}, stored_run_before, capsys)
    assert (
        "K-means: no warm start, so k is chosen again over var clustering.k_range"
        in out
    )
    assert "var clustering.k_range [2,7] then, [2,6] now" in out
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


# The side fits: the side-by-side k of compare_k and the split of an
# oversized cluster. On these customers cluster 3 holds 36.9% of the
# customers before and 35.4% three weeks on: above 0.35 both times, so both
# runs split it; the other two hold 29-34%.
SPLIT_CONFIG = {**CONFIG, "max_cluster_share": 0.35}
SPLIT_K_LINE = r"\(\d/3\)"  # a progress line of the sweep over split_k_range


@pytest.fixture(scope="module")
def split_before(before: pd.DataFrame) -> SegmentationResult:
    return segment_customers(before, SPLIT_CONFIG)


@pytest.fixture(scope="module")
def split_refresh(
    now: pd.DataFrame, split_before: SegmentationResult
) -> tuple[SegmentationResult, list[str]]:
    return refreshed(now, split_before, SPLIT_CONFIG)


def side_note(result: SegmentationResult, what: str) -> str:
    """The one line of the run's side_fits_note about `what`, which the run
    also logged."""
    notes = str(result.run_record.iloc[0]["side_fits_note"]).split("\n")
    found = [note for note in notes if note.startswith(f"{what}: ")]
    assert len(found) == 1, notes
    return found[0]


def sweeps_split_k_range(lines: list[str]) -> bool:
    return any(re.search(SPLIT_K_LINE, line) for line in k_lines(lines))


def renumbered(stored: StoredRun, fit: str, key: int, ids: dict[int, int]) -> StoredRun:
    """The stored run with the ids of one side fit renumbered (`key` is the k
    of a side-by-side fit, or the split cluster)."""
    table = stored.side_centroids.copy()
    by = "k" if fit == "compare" else "parent_cluster_id"
    rows = (table["fit"] == fit) & (table[by] == key)
    table.loc[rows, "cluster_id"] = table.loc[rows, "cluster_id"].map(ids)
    return replace(stored, side_centroids=table)


def moved(stored: StoredRun, fit: str, key: int, cluster: int, **raw) -> StoredRun:
    """The stored run with one side centroid set to other raw values."""
    table = stored.side_centroids.copy()
    by = "k" if fit == "compare" else "parent_cluster_id"
    for feature, value in raw.items():
        row = (
            (table["fit"] == fit)
            & (table[by] == key)
            & (table["cluster_id"] == cluster)
            & (table["feature"] == feature)
        )
        assert row.sum() == 1
        table.loc[row, "centroid"] = value
    return replace(stored, side_centroids=table)


def test_a_run_stores_the_centroids_of_its_side_fits(split_before):
    table = stored_from(split_before).side_centroids
    fits = table.groupby(["fit", "k"], dropna=False)["cluster_id"].agg(
        lambda ids: sorted(set(ids))
    )
    assert fits.to_dict() == {
        ("compare", 3): [1, 2, 3],
        ("compare", 4): [1, 2, 3, 4],
        ("split", 2): [1, 2],
    }
    assert set(table.loc[table["fit"] == "split", "parent_cluster_id"]) == {3}
    assert table.loc[table["fit"] == "compare", "parent_cluster_id"].isna().all()
    assert (table.groupby(["fit", "k", "cluster_id"]).size() == 5).all()
    # In raw units: the chosen k side by side is the run's own clusters.
    chosen = table.loc[(table["fit"] == "compare") & (table["k"] == 3)]
    wide = chosen.pivot(index="cluster_id", columns="feature", values="centroid")
    own = split_before.centroids.set_index("cluster_id")
    for feature in wide.columns:
        np.testing.assert_allclose(wide[feature], own[f"centroid_{feature}"])
    assert split_before.run_record.iloc[0]["side_fits_note"] is None


def test_unchanged_data_give_the_stored_side_fits_exactly(before, split_before):
    with progress_lines() as lines:
        warm = segment_customers(
            before, SPLIT_CONFIG, stored_run=stored_from(split_before)
        )
    already = "already fit these customers"
    assert already in side_note(warm, "side-by-side k=4")
    assert already in side_note(warm, "split of cluster 3")
    assert f"K-means: {side_note(warm, 'split of cluster 3')}" in lines
    # The main k and the kept split are measured once each; nothing is swept.
    assert len(k_lines(lines)) == 2 and not sweeps_split_k_range(lines)
    for part in ("comparison_sizes", "comparison_assignments"):
        pd.testing.assert_frame_equal(
            getattr(warm, part), getattr(split_before, part), check_exact=True
        )
    for column in ("sub_cluster_id", "sub_cluster_name"):
        pd.testing.assert_series_equal(
            warm.customer_clusters[column], split_before.customer_clusters[column]
        )
    columns = ["cluster_id", "sub_cluster_id", "sub_cluster_name", "customers"]
    pd.testing.assert_frame_equal(
        warm.sub_clusters[columns], split_before.sub_clusters[columns]
    )
    assert warm.split_decisions["k"].tolist() == [2]
    assert (
        warm.split_decisions["reason"]
        .iloc[0]
        .startswith("k=2 kept from the stored split")
    )


def test_side_fit_ids_are_kept_by_construction_not_by_value(before, split_before):
    # The stored ids renumbered against the value-score rule: the refresh
    # keeps them as stored.
    stored = renumbered(
        stored_from(split_before), "compare", 4, {1: 4, 2: 3, 3: 2, 4: 1}
    )
    stored = renumbered(stored, "split", 3, {1: 2, 2: 1})
    warm = segment_customers(before, SPLIT_CONFIG, stored_run=stored)
    sizes = split_before.comparison_sizes
    old = sizes.loc[sizes["k"] == 4].set_index("cluster_id")["customers"]
    sizes = warm.comparison_sizes
    new = sizes.loc[sizes["k"] == 4].set_index("cluster_id")["customers"]
    assert new.loc[[4, 3, 2, 1]].tolist() == old.loc[[1, 2, 3, 4]].tolist()
    old_sub = split_before.customer_clusters["sub_cluster_id"]
    new_sub = warm.customer_clusters["sub_cluster_id"]
    assert (new_sub[old_sub == 1] == 2).all() and (new_sub[old_sub == 2] == 1).all()
    assert old_sub.isna().equals(new_sub.isna())


def test_a_few_weeks_on_the_side_fits_start_from_the_stored_ones(
    split_refresh, split_before
):
    result, lines = split_refresh
    for what in ("side-by-side k=4", "split of cluster 3"):
        note = side_note(result, what)
        assert re.fullmatch(
            rf"{what}: warm start from the stored fit: k=\d kept, \d+ Lloyd "
            r"iterations from the stored centroids, which moved at most "
            r"0\.\d+ z units",
            note,
        ), note
        assert f"K-means: {note}" in lines
    assert len(k_lines(lines)) == 2 and not sweeps_split_k_range(lines)
    # Most customers of each stored side-by-side cluster and sub-cluster are
    # in the one of the same id three weeks on.
    old = split_before.comparison_assignments.query("k == 4")
    new = result.comparison_assignments.query("k == 4")
    pairs = old.merge(new, on="customer_id", suffixes=("_old", "_new"))
    crossed = pd.crosstab(pairs["cluster_id_old"], pairs["cluster_id_new"])
    assert (crossed.idxmax(axis=1) == crossed.index).all()
    assert np.trace(crossed.to_numpy()) / len(pairs) > 0.8
    old = split_before.customer_clusters.set_index("customer_id")["sub_cluster_id"]
    new = result.customer_clusters.set_index("customer_id")["sub_cluster_id"]
    both = old.dropna().index.intersection(new.dropna().index)
    crossed = pd.crosstab(old[both].astype(int), new[both].astype(int))
    assert (crossed.idxmax(axis=1) == crossed.index).all()
    assert np.trace(crossed.to_numpy()) / len(both) > 0.8


def test_side_fits_without_stored_centroids_are_fitted_in_full(now, split_before):
    stored = replace(stored_from(split_before), side_centroids=None)
    with progress_lines() as lines:
        result = segment_customers(now, SPLIT_CONFIG, stored_run=stored)
    reason = "the stored run recorded no centroids of its side-by-side k and splits"
    assert side_note(result, "side-by-side k=4") == (
        "side-by-side k=4: no warm start, so it is fitted with config key "
        f"'n_init' restarts: {reason} (a run made before they were recorded)"
    )
    assert side_note(result, "split of cluster 3").startswith(
        "split of cluster 3: no warm start, so its sub-clusters are chosen "
        f"again over config key 'split_k_range': {reason}"
    )
    assert sweeps_split_k_range(lines)
    assert result.run_record.iloc[0]["k_source"] == "stored run"


def test_a_k_or_a_cluster_the_stored_run_did_not_fit_is_fitted_in_full(
    now, split_before
):
    # k=5 was not side by side, clusters 1 and 2 (33% and 31% three weeks
    # on) were not split in the stored run.
    config = {**SPLIT_CONFIG, "compare_k": [3, 4, 5], "max_cluster_share": 0.3}
    with progress_lines() as lines:
        result = segment_customers(now, config, stored_run=stored_from(split_before))
    assert side_note(result, "side-by-side k=5").endswith(
        ": the stored run has no side-by-side fit of k=5"
    )
    assert "warm start from the stored fit" in side_note(result, "side-by-side k=4")
    for cluster in (1, 2):
        assert side_note(result, f"split of cluster {cluster}").endswith(
            f": the stored run did not split cluster {cluster}"
        )
    assert "warm start from the stored fit" in side_note(result, "split of cluster 3")
    assert set(result.split_decisions["cluster_id"]) == {1, 2, 3}
    assert sweeps_split_k_range(lines)


def test_other_split_settings_refuse_the_split_only(now, split_before):
    config = {**SPLIT_CONFIG, "split_k_range": [2, 3]}
    result = segment_customers(now, config, stored_run=stored_from(split_before))
    assert side_note(result, "split of cluster 3").endswith(
        ": the stored run split its clusters with other settings: config key "
        "'split_k_range' [2,4] then, [2,3] now"
    )
    assert "warm start from the stored fit" in side_note(result, "side-by-side k=4")
    assert result.run_record.iloc[0]["k_source"] == "stored run"


def test_side_fits_follow_a_main_fit_that_chose_k_again(now, split_before):
    config = {**SPLIT_CONFIG, "k_range": [2, 6]}
    result = segment_customers(now, config, stored_run=stored_from(split_before))
    assert result.run_record.iloc[0]["k_source"] == "selection"
    for what in ("side-by-side k=4", "split of cluster 3"):
        assert side_note(result, what).endswith(
            ": the main fit did not start from the stored run (see its line), "
            "so none of the side fits does"
        )


def test_a_side_cluster_that_empties_is_fitted_in_full(now, split_before):
    # Ten thousand years of tenure: no customer is nearest.
    stored = moved(stored_from(split_before), "compare", 4, 2, tenure_days=3.65e6)
    stored = moved(stored, "split", 3, 1, tenure_days=3.65e6)
    with progress_lines() as lines:
        result = segment_customers(now, SPLIT_CONFIG, stored_run=stored)
    assert side_note(result, "side-by-side k=4").endswith(
        ": stored cluster 2 lost every customer after 0 Lloyd iterations from "
        "the stored centroids"
    )
    assert side_note(result, "split of cluster 3").endswith(
        ": stored sub-cluster 1 lost every customer after 0 Lloyd iterations "
        "from the stored centroids"
    )
    assert sweeps_split_k_range(lines)
    assert sorted(result.comparison_sizes.query("k == 4")["cluster_id"]) == [1, 2, 3, 4]


def test_a_side_centroid_moving_beyond_max_match_distance_is_refitted(
    before, split_before
):
    # Unchanged customers: the main centroids stay where they are; the two
    # side centroids set two months off move back more than 0.05 z units.
    config = {**SPLIT_CONFIG, "max_match_distance": 0.05}
    stored = stored_from(split_before)
    recency = stored.side_centroids.query("feature == 'recency_days'")
    far = recency.set_index(["fit", "k", "cluster_id"])["centroid"] + 60
    stored = moved(stored, "compare", 4, 1, recency_days=far[("compare", 4, 1)])
    stored = moved(stored, "split", 3, 2, recency_days=far[("split", 2, 2)])
    result = segment_customers(before, config, stored_run=stored)
    assert result.run_record.iloc[0]["k_source"] == "stored run"
    assert re.search(
        r": the centroid of cluster \d moved \d+\.\d+ z units from the stored one, "
        r"beyond config key 'max_match_distance' = 0.05$",
        side_note(result, "side-by-side k=4"),
    )
    assert re.search(
        r": the centroid of sub-cluster \d moved \d+\.\d+ z units from the stored "
        r"one, beyond config key 'max_match_distance' = 0.05$",
        side_note(result, "split of cluster 3"),
    )


def test_a_split_that_misses_the_stability_floor_is_chosen_again(now):
    # No split k of cluster 3 reaches a stability of 0.95 on these customers
    # (the main k does): the stored split took the most stable one, and the
    # split fitted from it misses the floor again.
    config = {**SPLIT_CONFIG, "min_stability": 0.95}
    stored = segment_customers(now, config)
    assert (
        "no k reached stability ARI >= 0.95"
        in (stored.split_decisions["reason"].iloc[0])
    )
    result, lines = refreshed(now, stored, config)
    assert result.run_record.iloc[0]["k_source"] == "stored run"
    assert re.search(
        r": the sub-clusters fitted from the stored ones \(k=\d\) miss config "
        r"key 'min_stability' \(stability ARI 0\.\d+ < 0\.95\)$",
        side_note(result, "split of cluster 3"),
    )
    assert sweeps_split_k_range(lines)


def test_the_glue_words_a_side_fallback_in_vars(now, split_before, capsys):
    config = {**SPLIT_CONFIG, "split_k_range": [2, 3]}
    con, out = glue_run(now, config, split_before, capsys)
    assert (
        "K-means: split of cluster 3: no warm start, so its sub-clusters are "
        "chosen again over var clustering.split_k_range: the stored run split "
        "its clusters with other settings: var clustering.split_k_range [2,4] "
        "then, [2,3] now" in out
    )
    assert con.sql(
        "select run.side_fits_note like '%var clustering.split_k_range%'"
        " from results where part = 'run'"
    ).fetchall() == [(True,)]
    assert con.sql(
        "select side_centroid.fit, count(*) from results"
        " where part = 'side_centroid' group by all order by 1"
    ).fetchall() == [("compare", (3 + 4) * 5), ("split", 2 * 5)]
