"""Cluster ids do not swap between runs: ordering rule and Hungarian matching."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from clustering_data import FAST, RETAIL_SPEC

from segmentation.clustering import (
    SegmentationResult,
    assign_cluster_ids,
    segment_customers,
    value_scores,
)

CONFIG = {"features": RETAIL_SPEC, "seed": 11, **FAST, "fixed_k": 5}


@pytest.fixture(scope="module")
def base_run(retail: pd.DataFrame) -> SegmentationResult:
    return segment_customers(retail, CONFIG)


def test_shuffled_rows_give_identical_results(
    retail: pd.DataFrame, base_run: SegmentationResult
) -> None:
    shuffled = retail.sample(frac=1.0, random_state=123).reset_index(drop=True)
    again = segment_customers(shuffled, CONFIG)
    pd.testing.assert_frame_equal(
        base_run.customer_clusters, again.customer_clusters, check_exact=True
    )
    pd.testing.assert_frame_equal(base_run.centroids, again.centroids, check_exact=True)
    pd.testing.assert_frame_equal(
        base_run.model_selection, again.model_selection, check_exact=True
    )


def test_ids_follow_the_value_score(base_run: SegmentationResult) -> None:
    c = base_run.centroids.sort_values("cluster_id")
    assert c["cluster_id"].tolist() == [1, 2, 3, 4, 5]
    assert c["value_score"].is_monotonic_decreasing


def test_dropping_one_percent_of_customers_keeps_ids_with_matching(
    retail: pd.DataFrame, base_run: SegmentationResult
) -> None:
    kept = retail.sample(frac=0.99, random_state=7)
    again = segment_customers(kept, CONFIG, previous_centroids=base_run.centroids)
    before = base_run.customer_clusters.set_index("customer_id")["cluster_id"]
    after = again.customer_clusters.set_index("customer_id")["cluster_id"]
    common = after.index
    same = (before.loc[common] == after).mean()
    assert same >= 0.97, same
    assert again.centroids["previous_cluster_id"].notna().all()
    assert again.centroids["match_distance"].max() < 0.5


def test_previous_ids_carry_over_even_against_the_value_order(
    retail: pd.DataFrame, base_run: SegmentationResult
) -> None:
    # Pretend last run numbered the clusters the other way round: the new run
    # must keep those ids, not renumber by value.
    previous = base_run.centroids.copy()
    previous["cluster_id"] = 6 - previous["cluster_id"]
    again = segment_customers(retail, CONFIG, previous_centroids=previous)
    before = base_run.customer_clusters["cluster_id"]
    after = again.customer_clusters["cluster_id"]
    assert ((6 - before) == after).all()
    assert (
        again.centroids["previous_cluster_id"] == again.centroids["cluster_id"]
    ).all()


def test_previous_centroids_in_z_units_only_are_accepted(
    retail: pd.DataFrame, base_run: SegmentationResult
) -> None:
    zcols = [c for c in base_run.centroids.columns if c.startswith("centroid_z_")]
    previous = base_run.centroids[["cluster_id", *zcols]]
    again = segment_customers(retail, CONFIG, previous_centroids=previous)
    assert (
        again.customer_clusters["cluster_id"]
        == base_run.customer_clusters["cluster_id"]
    ).all()


def test_matching_with_more_new_clusters_than_previous_ones() -> None:
    new = np.array([[0.0, 0.0], [5.0, 5.0], [-5.0, -5.0]])
    previous = np.array([[-5.1, -5.0], [0.1, 0.0]])
    ids, matching = assign_cluster_ids(
        new, np.array([10, 10, 10]), np.array([1.0, 1.0]),
        previous_z=previous, previous_ids=[7, 2],
    )  # fmt: skip
    # [0,0] matches previous id 2, [-5,-5] matches 7; [5,5] is new and takes the
    # smallest unused id.
    assert ids.tolist() == [2, 1, 7]
    assert matching["previous_cluster_id"].isna().sum() == 1


def test_value_ordering_breaks_ties_on_purpose() -> None:
    signs = np.array([1.0, -1.0])
    scores = value_scores(np.array([[1.0, -1.0], [0.0, 0.0]]), signs)
    assert scores.tolist() == [1.0, 0.0]
    # Equal value scores: the larger cluster comes first.
    tied = np.array([[1.0, 1.0], [2.0, 2.0]])
    ids, _ = assign_cluster_ids(tied, np.array([5, 9]), signs)
    assert ids.tolist() == [2, 1]
