"""K-means core: hand-computed cases, parity with scikit-learn, determinism, edges."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.cluster import KMeans
from sklearn.datasets import make_blobs
from threadpoolctl import threadpool_limits

from segmentation.clustering import TooFewDistinctPointsError, kmeans, predict
from segmentation.clustering.distances import (
    assign_nearest,
    nearest_two,
    squared_norms,
)
from segmentation.clustering.kmeans_core import lloyd


def test_six_points_in_two_obvious_groups() -> None:
    x = np.array(
        [[0.0, 0.0], [0.0, 2.0], [2.0, 0.0], [10.0, 10.0], [10.0, 12.0], [12.0, 10.0]]
    )
    res = kmeans(x, 2, seed=3, n_init=3)
    # By hand: each centroid is the mean of its three points; each group's squared
    # distances are 8/9 + 20/9 + 20/9 = 16/3.
    expected = {(2 / 3, 2 / 3), (32 / 3, 32 / 3)}
    got = {tuple(np.round(c, 12)) for c in res.centroids}
    assert got == {tuple(np.round(c, 12)) for c in expected}
    assert res.inertia == pytest.approx(32 / 3, rel=1e-12)
    assert len(set(res.labels[:3])) == 1 and len(set(res.labels[3:])) == 1
    assert res.labels[0] != res.labels[3]
    assert res.counts.tolist() == [3, 3]
    assert res.converged


def test_one_dimensional_hand_example_and_predict() -> None:
    x = np.array([[1.0], [2.0], [3.0], [11.0], [12.0], [13.0], [30.0]])
    res = kmeans(x, 3, seed=0, n_init=5)
    assert sorted(res.centroids[:, 0].round(12).tolist()) == [2.0, 12.0, 30.0]
    # Squared distances: 1 + 0 + 1, 1 + 0 + 1, 0.
    assert res.inertia == pytest.approx(4.0)
    assert np.array_equal(predict(x, res.centroids), res.labels)


def _sklearn(x: np.ndarray, k: int) -> KMeans:
    """The reference fit (one thread: much faster on a busy 2-core machine)."""
    with threadpool_limits(limits=1):
        return KMeans(n_clusters=k, n_init=10, random_state=0).fit(x)


def _blobs() -> np.ndarray:
    x, _ = make_blobs(
        n_samples=6000, n_features=4, centers=6, cluster_std=2.0, random_state=11
    )
    return x


@pytest.mark.parametrize("k", [3, 5, 8])
@pytest.mark.parametrize("dataset", ["blobs", "retail", "marketing"])
def test_inertia_within_half_percent_of_sklearn(
    dataset: str, k: int, request: pytest.FixtureRequest
) -> None:
    if dataset == "blobs":
        x = _blobs()
    elif dataset == "retail":
        x = request.getfixturevalue("retail_x")
    else:
        from clustering_data import MARKETING_SPEC

        from segmentation.clustering import prepare_features

        x = prepare_features(request.getfixturevalue("marketing"), MARKETING_SPEC).x
    ours = kmeans(x, k, seed=0)
    ref = _sklearn(x, k)
    assert ours.inertia <= ref.inertia_ * 1.005, (ours.inertia, ref.inertia_)
    # Reported inertia is the real sum of squared distances to the centroids.
    exact = ((x - ours.centroids[ours.labels]) ** 2).sum()
    assert ours.inertia == pytest.approx(exact, rel=1e-9)


def test_sampled_candidates_then_refinement_matches_sklearn() -> None:
    """Above init_sample_size the candidate runs use a sample and the winner is
    refined on nested samples then all points: still within 0.5% of sklearn."""
    rng = np.random.default_rng(5)
    n = 40_000
    x = np.column_stack(
        [
            np.log1p(rng.lognormal(3, 1.2, n)),
            np.log1p(rng.pareto(1.5, n) * 100),
            rng.gamma(2.0, 1.0, n),
        ]
    )
    x = (x - x.mean(axis=0)) / x.std(axis=0)
    ours = kmeans(x, 6, seed=1, init_sample_size=1_000)
    assert ours.init_sample_size == 1_000
    ref = _sklearn(x, 6)
    assert ours.inertia <= ref.inertia_ * 1.005, (ours.inertia, ref.inertia_)
    assert ours.labels.shape == (n,)


def test_same_seed_gives_bit_identical_results(retail_x: np.ndarray) -> None:
    a = kmeans(retail_x, 5, seed=123)
    b = kmeans(retail_x, 5, seed=123)
    assert np.array_equal(a.labels, b.labels)
    assert np.array_equal(a.centroids, b.centroids)
    assert a.inertia == b.inertia and a.n_iter == b.n_iter


def test_accepts_a_numeric_dataframe(retail_x: np.ndarray) -> None:
    frame = pd.DataFrame(retail_x, columns=list("abcde"))
    a = kmeans(frame, 4, seed=9, n_init=2)
    b = kmeans(retail_x, 4, seed=9, n_init=2)
    assert np.array_equal(a.centroids, b.centroids)


def test_fewer_distinct_points_than_k_raises_a_clear_error() -> None:
    x = np.repeat(np.array([[0.0, 1.0], [5.0, 5.0], [9.0, 0.0]]), 40, axis=0)
    with pytest.raises(TooFewDistinctPointsError) as err:
        kmeans(x, 5, seed=0)
    assert (err.value.k, err.value.n_distinct) == (5, 3)
    assert str(err.value) == (
        "asked for k=5 clusters but the data has only 3 distinct customers; lower k"
    )
    # The caller that knows where k came from names that setting.
    named = err.value.for_setting("fixed_k")
    assert str(named).endswith("lower k (config key 'fixed_k')")
    assert named.render(lambda key: f"var clustering.{key}").endswith(
        "lower k (var clustering.fixed_k)"
    )
    assert isinstance(err.value, ValueError)
    # Exactly as many distinct points as k works and puts each on its own.
    res = kmeans(x, 3, seed=0)
    assert res.inertia == pytest.approx(0.0, abs=1e-9)
    assert sorted(res.counts.tolist()) == [40, 40, 40]


def test_too_few_distinct_points_found_even_when_the_sample_hides_them() -> None:
    # 5 distinct points but 4 of them rare: the 100-point candidate sample may
    # miss some; the fit must fall back to all points instead of failing.
    x = np.zeros((5_000, 2))
    x[1] = [10, 0]
    x[2] = [0, 10]
    x[3] = [10, 10]
    x[4] = [-10, -10]
    res = kmeans(x, 5, seed=0, init_sample_size=100)
    assert res.inertia == pytest.approx(0.0, abs=1e-9)
    with pytest.raises(TooFewDistinctPointsError, match="only 5 distinct"):
        kmeans(x, 6, seed=0, init_sample_size=100)


def test_equal_distances_go_to_the_lowest_cluster_index() -> None:
    x = np.array([[0.0, 0.0], [1.0, 0.0], [-1.0, 0.0]])
    centroids = np.array([[1.0, 0.0], [-1.0, 0.0]])
    xt = np.ascontiguousarray(x.T)
    labels, sq = assign_nearest(xt, squared_norms(xt), centroids)
    assert labels.tolist() == [0, 0, 1]
    assert sq.tolist() == [1.0, 0.0, 0.0]
    labels2, d1, d2 = nearest_two(x, centroids)
    assert labels2.tolist() == [0, 0, 1]
    assert d1.tolist() == [1.0, 0.0, 0.0] and d2.tolist() == [1.0, 2.0, 2.0]


def test_chunking_does_not_change_the_assignment(retail_x: np.ndarray) -> None:
    xt = np.ascontiguousarray(retail_x.T)
    xx = squared_norms(xt)
    c = retail_x[[0, 100, 2000, 3000]]
    big = assign_nearest(xt, xx, c)
    small = assign_nearest(xt, xx, c, chunk_size=97)
    assert np.array_equal(big[0], small[0]) and np.array_equal(big[1], small[1])


def test_empty_cluster_is_reseeded_from_the_farthest_point() -> None:
    x = np.array([[0.0], [1.0], [2.0], [20.0]])
    xt = np.ascontiguousarray(x.T)
    # Centroid 1 is far from everything: it gets no point in the first pass and
    # must move to the point farthest from its centroid (x = 20).
    start = np.array([[5.0], [1000.0]])
    centroids, labels, sq, _, converged = lloyd(xt, start, max_iter=50, tol_abs=0.0)
    assert converged
    assert sorted(centroids[:, 0].tolist()) == [1.0, 20.0]
    assert np.bincount(labels, minlength=2).min() >= 1
    assert sq.sum() == pytest.approx(2.0)


def test_rejects_bad_input() -> None:
    with pytest.raises(ValueError, match="NaN or infinite"):
        kmeans(np.array([[0.0], [np.nan]]), 1, seed=0)
    with pytest.raises(ValueError, match="positive int"):
        kmeans(np.zeros((3, 1)), 0, seed=0)
    with pytest.raises(ValueError, match="empty"):
        kmeans(np.zeros((0, 2)), 2, seed=0)
    with pytest.raises(TooFewDistinctPointsError, match="k=4"):
        kmeans(np.arange(3.0)[:, None], 4, seed=0)


def _plain_lloyd(xt, centroids, max_iter, tol_abs):
    """Lloyd measuring every point at every iteration (no bounds)."""
    from segmentation.clustering.distances import assign_nearest, squared_norms
    from segmentation.clustering.kmeans_core import _update_centroids

    xx = squared_norms(xt)
    c = np.array(centroids, dtype=np.float64)
    previous = None
    for it in range(max_iter):
        labels, sq = assign_nearest(xt, xx, c)
        if previous is not None and np.array_equal(labels, previous):
            return c, labels, sq, it, True
        new = _update_centroids(xt, labels, sq, c)
        shift = float(((new - c) ** 2).sum())
        c, previous = new, labels
        if shift <= tol_abs:
            labels, sq = assign_nearest(xt, xx, c)
            return c, labels, sq, it + 1, True
    labels, sq = assign_nearest(xt, xx, c)
    return c, labels, sq, max_iter, False


@pytest.mark.parametrize("case", ["real", "empty_clusters", "far_start"])
def test_bounds_give_the_lloyd_of_measuring_every_point(
    retail_x: np.ndarray, case: str
) -> None:
    from segmentation.clustering.kmeans_core import lloyd

    rng = np.random.default_rng(11)
    x = retail_x
    if case == "real":
        start = x[rng.choice(len(x), 6, replace=False)]
    elif case == "empty_clusters":
        # Two centroids far from every point: empty in the first round.
        start = np.vstack([x[:3], np.full((2, x.shape[1]), 40.0)])
    else:
        start = x[:5] * 0.01
    xt = np.ascontiguousarray(x.T)
    for max_iter, tol in ((300, 1e-4), (300, 0.0), (3, 0.0)):
        got = lloyd(xt, start, max_iter=max_iter, tol_abs=tol)
        want = _plain_lloyd(xt, start, max_iter, tol)
        assert got[3:] == want[3:]
        for a, b in zip(got[:3], want[:3], strict=True):
            assert np.array_equal(a, b)
