"""Cluster names from the rules table."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from segmentation.clustering import (
    default_naming_rules,
    name_clusters,
    parse_feature_specs,
    role_scores,
)
from segmentation.clustering.naming import select_rule_set

SEED_CSV = Path(__file__).resolve().parents[3] / "seeds" / "cluster_naming_rules.csv"
SPECS = parse_feature_specs(
    [
        {"name": "recency_days", "transform": "log1p"},
        {"name": "frequency", "transform": "log1p"},
        {"name": "monetary", "transform": "signed_log1p"},
    ]
)


def _scores(rows: dict[int, tuple[float, float, float]]) -> pd.DataFrame:
    """Role scores from z centroids given as (recency_days z, frequency z,
    monetary z) per cluster id."""
    ids = sorted(rows)
    z = np.array([rows[i] for i in ids])
    return role_scores(z, SPECS, ids)


def test_recency_days_is_scored_lower_is_better() -> None:
    s = _scores({1: (-1.2, 0.5, 0.7)}).iloc[0]
    assert s["recency_score"] == pytest.approx(1.2)
    assert s["frequency_score"] == pytest.approx(0.5)
    assert s["value_score"] == pytest.approx((1.2 + 0.5 + 0.7) / 3)


def test_recent_frequent_big_spenders_are_vip_regulars() -> None:
    names = name_clusters(
        _scores({1: (-1.0, 1.3, 1.4), 2: (1.2, -0.8, -0.9), 3: (-0.9, -0.7, -0.6)})
    )
    by_id = dict(zip(names["cluster_id"], names["cluster_name"], strict=True))
    assert by_id[1] == "VIP Regulars"
    assert by_id[2] == "Gone Quiet"  # long inactive, bought little
    assert by_id[3] == "Fresh Starters"  # recent, few orders
    assert names["cluster_name"].is_unique


def test_names_are_unique_best_fit_first_others_fall_through() -> None:
    # Two VIP-like clusters: the deeper one (larger margin) keeps the name,
    # the other falls through to the next matching rule.
    names = name_clusters(_scores({1: (-0.5, 0.8, 0.9), 2: (-1.5, 1.6, 1.8)}))
    by_id = dict(zip(names["cluster_id"], names["cluster_name"], strict=True))
    assert by_id[2] == "VIP Regulars"
    assert by_id[1] == "Steady Buyers"


def test_last_resort_is_a_deterministic_suffix() -> None:
    rules = pd.DataFrame(
        {
            "name": ["Everyone"],
            "priority": [1],
            "recency_score_min": [np.nan],
            "description": ["catch-all"],
        }
    )
    names = name_clusters(_scores({3: (0, 0, 0), 1: (1, 1, 1), 2: (2, 2, 2)}), rules)
    assert names["cluster_id"].tolist() == [1, 2, 3]
    # Catch-all margins are all 0, so the highest value score (cluster 2) gets the
    # name; the others get suffixes in cluster id order.
    assert names["cluster_name"].tolist() == ["Everyone 2", "Everyone", "Everyone 3"]


def test_cluster_matching_no_rule_is_called_by_its_id() -> None:
    rules = pd.DataFrame(
        {"name": ["Champions"], "priority": [1], "monetary_score_min": [0.5]}
    )
    names = name_clusters(_scores({1: (0, 0, 1.0), 2: (0, 0, -1.0)}), rules)
    assert names["cluster_name"].tolist() == ["Champions", "Cluster 2"]
    assert pd.isna(names.loc[1, "naming_rule"])


def test_a_bound_on_a_missing_role_is_never_met() -> None:
    specs = parse_feature_specs(["monetary"])
    scores = role_scores(np.array([[2.0]]), specs, [1])
    # Every default rule but the catch-all bounds recency or frequency.
    assert name_clusters(scores).loc[0, "cluster_name"] == "Mixed Profile"


def test_seed_csv_holds_the_default_rules_as_rule_set_rfm() -> None:
    seed = pd.read_csv(SEED_CSV)
    rfm = select_rule_set(seed, "rfm")
    income = ["income_score_min", "income_score_max"]
    assert rfm[income].isna().all().all()
    pd.testing.assert_frame_equal(
        rfm.drop(columns=income), default_naming_rules(), check_dtype=False
    )
    for _, rules in seed.groupby("rule_set"):
        assert rules["name"].is_unique
        # The last rule of every set is a catch-all: every cluster gets a name.
        last = rules.sort_values("priority").iloc[-1]
        assert last.drop(["rule_set", "name", "priority", "description"]).isna().all()


def test_rule_set_picks_its_rows_and_a_typo_is_an_error() -> None:
    seed = pd.read_csv(SEED_CSV)
    cpa = select_rule_set(seed, "customer_personality")
    assert "rule_set" not in cpa.columns
    assert len(cpa) == (seed["rule_set"] == "customer_personality").sum() > 0
    specs = parse_feature_specs(
        [
            {"name": "income", "role": "income"},
            {"name": "spend", "role": "monetary"},
        ]
    )
    scores = role_scores(np.array([[1.2, 1.0], [-0.9, -1.1]]), specs, [1, 2])
    by_id = dict(
        zip(
            *name_clusters(scores, cpa)[["cluster_id", "cluster_name"]].T.values,
            strict=True,
        )
    )
    assert by_id == {1: "Affluent Big Spenders", 2: "Budget Shoppers"}
    with pytest.raises(ValueError, match="no rule has rule_set 'rmf'.*'rfm'"):
        select_rule_set(seed, "rmf")
    # A table without the column is used whole.
    plain = default_naming_rules()
    assert select_rule_set(plain, "anything") is plain


def test_bad_rules_are_rejected() -> None:
    with pytest.raises(ValueError, match="'priority'"):
        name_clusters(_scores({1: (0, 0, 0)}), pd.DataFrame({"name": ["a"]}))
    dup = pd.DataFrame({"name": ["a", "a"], "priority": [1, 2]})
    with pytest.raises(ValueError, match="duplicate names"):
        name_clusters(_scores({1: (0, 0, 0)}), dup)
    bad = pd.DataFrame({"name": ["a"], "priority": [1], "recency_score_min": ["x"]})
    with pytest.raises(ValueError, match="recency_score_min"):
        name_clusters(_scores({1: (0, 0, 0)}), bad)


SEEDS = SEED_CSV.parent


def _words(name: str) -> str:
    return f" {name.lower()} "


def test_cluster_names_never_reuse_an_rfm_segment_name() -> None:
    rfm_segments = pd.read_csv(SEEDS / "segment_definitions.csv")["segment_name"]
    assert len(rfm_segments) == 11
    cluster_names = pd.read_csv(SEED_CSV)["name"].tolist()
    cluster_names += default_naming_rules()["name"].tolist()
    clashes = [
        (cluster, segment)
        for cluster in cluster_names
        for segment in rfm_segments
        if _words(segment) in _words(cluster)
    ]
    assert not clashes
    # The check can fail: the names the clusters had before their own
    # vocabulary clash.
    assert _words("Champions") in _words("Champions")
    assert _words("Lost") in _words("Lost")


def test_every_cluster_name_has_one_persona_strategy_and_kpis() -> None:
    rules = pd.read_csv(SEED_CSV)[["rule_set", "name"]]
    playbook = pd.read_csv(SEEDS / "cluster_playbook.csv")
    keys = playbook[["rule_set", "cluster_name"]].rename(
        columns={"cluster_name": "name"}
    )
    assert not keys.duplicated().any()
    both = rules.merge(keys, how="outer", indicator=True)
    assert (both["_merge"] == "both").all(), both[both["_merge"] != "both"]
    assert set(playbook["rule_set"]) == {"rfm", "customer_personality"}
    text = playbook[["persona", "strategy", "kpis"]]
    assert text.notna().all().all()
    assert (text.map(len) > 20).all().all()


def test_a_rules_table_with_rule_sets_needs_the_set_named() -> None:
    seed = pd.read_csv(SEED_CSV)
    with pytest.raises(ValueError, match=r"rule sets \['customer_personality'"):
        select_rule_set(seed, None)
