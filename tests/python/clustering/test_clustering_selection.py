"""Model selection table, quality measures and the choice of k."""

from __future__ import annotations

import re
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import (
    calinski_harabasz_score,
    davies_bouldin_score,
    silhouette_score,
)

from segmentation.clustering import (
    Gates,
    SelectionParams,
    SettingError,
    choose_k,
    evaluate_k_range,
    kmeans,
)
from segmentation.clustering.metrics import davies_bouldin_and_calinski_harabasz
from segmentation.clustering.selection import (
    SELECTION_COLUMNS,
    choose_split_k,
    judge_gates,
)

FAST_PARAMS = SelectionParams(seed=3, n_init=3, n_bootstrap=3, bootstrap_n_init=2)


def test_measures_match_scikit_learn_on_real_data(retail_x: np.ndarray) -> None:
    labels = kmeans(retail_x, 4, seed=1, n_init=2).labels
    db, ch = davies_bouldin_and_calinski_harabasz(retail_x, labels, 4)
    assert db == pytest.approx(davies_bouldin_score(retail_x, labels), rel=1e-9)
    assert ch == pytest.approx(calinski_harabasz_score(retail_x, labels), rel=1e-9)
    table = evaluate_k_range(retail_x, [4], FAST_PARAMS).table
    fit_labels = kmeans(retail_x, 4, seed=_fit_seed(3, 4), n_init=3).labels
    assert table.loc[0, "silhouette"] == pytest.approx(
        silhouette_score(retail_x, fit_labels), rel=1e-9
    )


def _fit_seed(seed: int, k: int) -> int:
    from segmentation.clustering.seeds import FIT, derive_seed

    return derive_seed(seed, FIT, k)


def test_selection_table_exact_silhouette_below_the_threshold(
    retail_x: np.ndarray,
) -> None:
    res = evaluate_k_range(retail_x, range(2, 6), FAST_PARAMS)
    t = res.table
    assert list(t.columns) == SELECTION_COLUMNS
    assert t["k"].tolist() == [2, 3, 4, 5]
    assert (t["silhouette_method"] == "exact").all()
    assert (t["silhouette_sample_size"] == len(retail_x)).all()
    assert t["inertia"].is_monotonic_decreasing
    assert t[["silhouette", "davies_bouldin", "calinski_harabasz"]].notna().all().all()
    assert t["stability_ari"].between(-1, 1).all()
    assert (t["stability_resamples"] == 3).all()
    assert sorted(res.fits) == [2, 3, 4, 5]
    # Same inputs, same table, to the last bit.
    again = evaluate_k_range(retail_x, range(2, 6), FAST_PARAMS).table
    pd.testing.assert_frame_equal(t, again, check_exact=True)


def test_sampled_silhouette_is_recorded_above_the_threshold(
    retail_x: np.ndarray,
) -> None:
    params = SelectionParams(
        seed=3,
        n_init=2,
        silhouette_exact_max=1000,
        silhouette_sample_size=800,
        n_bootstrap=2,
        bootstrap_sample_size=500,
        bootstrap_n_init=1,
    )
    t = evaluate_k_range(retail_x, [3, 4], params).table
    assert (t["silhouette_method"] == "sampled").all()
    assert (t["silhouette_sample_size"] == 800).all()
    assert t["silhouette"].between(-1, 1).all()


def test_stability_is_high_for_clear_clusters_and_lower_for_noise() -> None:
    rng = np.random.default_rng(0)
    centres = np.array([[0, 0], [8, 0], [0, 8]], dtype=float)
    clear = np.vstack([c + rng.normal(size=(300, 2)) for c in centres])
    noise = rng.uniform(size=(900, 2))
    params = SelectionParams(seed=1, n_init=3, n_bootstrap=4, bootstrap_n_init=1)
    clear_ari = evaluate_k_range(clear, [3], params).table.loc[0, "stability_ari"]
    noise_ari = evaluate_k_range(noise, [7], params).table.loc[0, "stability_ari"]
    assert clear_ari > 0.99
    assert noise_ari < clear_ari


def _table(rows: list[tuple[int, float, float]], **figures: object) -> pd.DataFrame:
    """A selection table from (k, silhouette, stability) rows; every cluster
    large and well apart unless ``figures`` says otherwise."""
    table = pd.DataFrame(
        {
            "k": [r[0] for r in rows],
            "inertia": [100.0 / r[0] for r in rows],
            "silhouette": [r[1] for r in rows],
            "silhouette_method": "exact",
            "silhouette_sample_size": 500,
            "davies_bouldin": 1.0,
            "calinski_harabasz": 250.0,
            "stability_ari": [r[2] for r in rows],
            "min_cluster_customers": 100,
            "min_cluster_share": 0.2,
            "max_cluster_share": 0.4,
            "min_centroid_distance": 2.0,
        }
    )
    for column, values in figures.items():
        table[column] = values
    return table


FIGURE = re.compile(r"silhouette 0\.\d{3} \(exact, n=500\), stability ARI \d\.\d{3}")
GATES = Gates(
    min_silhouette=0.25,
    min_stability=0.75,
    min_cluster_customers=50,
    min_cluster_share=0.05,
    min_centroid_distance=1.0,
)


def test_choose_k_highest_silhouette_among_k_meeting_every_threshold() -> None:
    table = _table(
        [
            (2, 0.60, 0.99),
            (3, 0.40, 0.95),
            (4, 0.45, 0.90),
            (5, 0.50, 0.60),
            (6, 0.55, 0.95),
            (8, 0.70, 0.95),
        ],
        min_cluster_share=[0.3, 0.2, 0.1, 0.1, 0.02, 0.1],
    )
    k, reason = choose_k(table, 3, 7, gates=GATES)
    # k=2 and k=8 lie outside 3..7; k=5 is unstable and k=6 has a cluster of
    # 2%; k=4 wins.
    assert k == 4
    assert reason.startswith("k=4: highest silhouette")
    assert FIGURE.search(reason)
    assert "silhouette 0.450" in reason and "ARI 0.900" in reason
    assert "k=5: silhouette 0.500, ARI 0.600, misses min_stability" in reason
    assert "k=6: silhouette 0.550, ARI 0.950, misses min_cluster_share" in reason


@pytest.mark.parametrize(
    ("column", "value", "setting"),
    [
        ("silhouette", 0.24, "min_silhouette"),
        ("stability_ari", 0.74, "min_stability"),
        ("min_cluster_customers", 49, "min_cluster_customers"),
        ("min_cluster_share", 0.049, "min_cluster_share"),
        ("min_centroid_distance", 0.99, "min_centroid_distance"),
        ("stability_ari", np.nan, "min_stability"),
    ],
)
def test_each_threshold_alone_makes_a_k_ineligible(
    column: str, value: float, setting: str
) -> None:
    # k=3 has the best silhouette but misses one threshold: k=4 is taken.
    table = _table([(3, 0.50, 0.95), (4, 0.40, 0.95)])
    table.loc[table["k"] == 3, column] = value
    judged = judge_gates(table, GATES).set_index("k")
    assert judged.loc[3, "gate_failures"] == setting
    assert not judged.loc[3, "passes_gates"] and judged.loc[4, "passes_gates"]
    assert choose_k(table, 3, 7, gates=GATES)[0] == 4
    # Without that threshold k=3 is eligible again, and taken unless its
    # silhouette is what it missed.
    loose = {"min_cluster_customers": 0, "min_cluster_share": 0.0}
    relaxed = replace(GATES, **{setting: loose.get(setting)})
    assert judge_gates(table, relaxed)["passes_gates"].all()
    expected = 4 if column == "silhouette" else 3
    assert choose_k(table, 3, 7, gates=relaxed)[0] == expected


def test_choose_k_ties_go_to_the_smaller_k() -> None:
    table = _table([(3, 0.400, 0.9), (4, 0.403, 0.9), (5, 0.300, 0.9)])
    assert choose_k(table, 3, 7, silhouette_tolerance=0.005)[0] == 3
    assert choose_k(table, 3, 7, silhouette_tolerance=0.0)[0] == 4


def test_when_no_k_meets_the_thresholds_the_reason_says_what_to_relax() -> None:
    table = _table(
        [(3, 0.40, 0.50), (4, 0.45, 0.70), (5, 0.20, 0.60)],
        min_cluster_share=[0.2, 0.03, 0.2],
    )
    k, reason = choose_k(table, 3, 7, gates=GATES)
    # Every k misses min_stability; k=4 also its smallest cluster, k=5 also
    # the silhouette: k=3 misses the fewest.
    assert k == 3
    assert reason.startswith("no k in 3..7 meets every quality threshold, so k=3")
    assert "k=4: silhouette 0.450 (ok 0.25), stability ARI 0.700 (below " in reason
    assert "smallest cluster (share) 0.030 (below min_cluster_share 0.05)" in reason
    assert "k=5: silhouette 0.200 (below min_silhouette 0.25)" in reason
    assert (
        "relax min_cluster_share, min_silhouette, min_stability, widen "
        "business_k_range, or change the features"
    ) in reason


def test_choose_k_fixed_k_is_used_and_said() -> None:
    table = _table([(3, 0.40, 0.9), (4, 0.45, 0.6)])
    k, reason = choose_k(table, 3, 7, fixed_k=6, gates=GATES)
    assert k == 6
    assert "fixed by configuration (fixed_k" in reason
    k, reason = choose_k(table, 3, 7, fixed_k=3, gates=GATES)
    assert k == 3 and FIGURE.search(reason) and "misses" not in reason
    k, reason = choose_k(table, 3, 7, fixed_k=4, gates=GATES)
    assert "it misses min_stability (stability ARI 0.600 < 0.75)" in reason


def test_choose_k_needs_the_business_range_in_the_table() -> None:
    with pytest.raises(SettingError, match="business range 9..12") as err:
        choose_k(_table([(3, 0.4, 0.9)]), 9, 12)
    assert err.value.keys == ("business_k_range",)


def test_split_takes_the_best_stable_k_else_the_most_stable() -> None:
    table = _table([(2, 0.50, 0.60), (3, 0.40, 0.90), (4, 0.45, 0.85)])
    assert choose_split_k(table, min_stability=0.8, silhouette_tolerance=0.0)[0] == 4
    k, reason = choose_split_k(table, min_stability=0.95, silhouette_tolerance=0.0)
    assert k == 3 and "most stable" in reason


def test_choose_k_on_real_data_stays_in_the_business_range(
    retail_x: np.ndarray,
) -> None:
    t = evaluate_k_range(retail_x, range(2, 9), FAST_PARAMS).table
    k, reason = choose_k(t, 3, 5, gates=Gates(min_stability=0.5))
    assert 3 <= k <= 5
    row = t.set_index("k").loc[k]
    assert f"silhouette {row['silhouette']:.3f}" in reason
    assert f"stability ARI {row['stability_ari']:.3f}" in reason


def test_shared_distances_give_the_same_silhouette(retail_x: np.ndarray) -> None:
    from segmentation.clustering.metrics import pairwise_distances, silhouette

    sample = np.arange(0, len(retail_x), 3)
    distances = pairwise_distances(retail_x[sample])
    for k in (3, 6):
        labels = kmeans(retail_x, k, seed=k, n_init=2).labels
        alone = silhouette(retail_x, labels, sample)
        shared = silhouette(retail_x, labels, sample, distances=distances)
        assert shared == pytest.approx(alone, rel=1e-12)
        assert alone == pytest.approx(
            silhouette_score(retail_x[sample], labels[sample]), rel=1e-9
        )
