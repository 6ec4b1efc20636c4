"""The Customer Personality example: the same dbt models segment a
customer-level table (data/marketing_campaign.csv) chosen by vars alone, and
report the campaign response rate per cluster.

The figures are recomputed here from the CSV with pandas, independently of
the models, and compared with what the build published."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
import yaml
from campaign_expectations import budget_cents, playbook_weights, wilson
from dbt_project_runner import PROJECT_DIR, DbtRun, run_dbt

EXAMPLE_VARS = PROJECT_DIR / "examples" / "customer_personality" / "vars.yml"
CSV = PROJECT_DIR / "data" / "marketing_campaign.csv"
SELECT = ["--select", "+path:models/marts/clusters"]
# The campaign marts too (budget and response intervals per cluster).
CAMPAIGNS = ["+segment_budget"]


def example_vars(**changes: object) -> dict:
    """The example's vars, with `customer_features_input` keys changed."""
    dbt_vars = yaml.safe_load(EXAMPLE_VARS.read_text())
    dbt_vars["customer_features_input"].update(changes)
    return dbt_vars


@pytest.fixture(scope="module")
def personality() -> pd.DataFrame:
    """The raw table, read by pandas rather than by the models."""
    return pd.read_csv(CSV, sep="\t")


@pytest.fixture(scope="module")
def build(tmp_path_factory: pytest.TempPathFactory) -> DbtRun:
    work_dir = tmp_path_factory.mktemp("personality")
    run = run_dbt(
        work_dir, "build", dbt_vars=example_vars(), extra_args=SELECT + CAMPAIGNS
    )
    assert run.returncode == 0, run.output
    return run


def clusters(run: DbtRun) -> pd.DataFrame:
    rows = run.query(
        "select customer_id, cluster_id, cluster_name, is_outlier, outlier_reason"
        " from customer_clusters"
    )
    return pd.DataFrame(
        rows, columns=["ID", "cluster_id", "cluster_name", "is_outlier", "reason"]
    ).astype({"ID": "int64"})


def test_every_row_of_the_table_is_one_clustered_customer(build, personality):
    assigned = clusters(build)
    assert len(assigned) == len(personality) == 2240
    assert set(assigned["ID"]) == set(personality["ID"])
    # Only the K-means part was built: no RFM model read the order lines.
    tables = {row[0] for row in build.query("show tables")}
    assert "customer_segments" not in tables
    assert "stg_orders__order_lines" not in tables


def test_response_rate_per_cluster_matches_the_raw_table(build, personality):
    joined = personality.merge(clusters(build), on="ID")
    expected = joined.groupby("cluster_id")["Response"].agg(["sum", "count", "mean"])
    published = build.query(
        "select cluster_id, responders, response_known, response_rate"
        " from cluster_profiles order by cluster_id"
    )
    assert len(published) == len(expected) >= 3
    for cluster_id, responders, known, rate in published:
        assert responders == expected.loc[cluster_id, "sum"]
        assert known == expected.loc[cluster_id, "count"]
        assert rate == pytest.approx(expected.loc[cluster_id, "mean"])
    # The clusters are not random: response rates differ by more than 2x.
    rates = [row[3] for row in published]
    assert max(rates) > 2 * min(rates)


def test_feature_profiles_match_the_raw_table(build, personality):
    raw = personality.assign(
        age=2014 - personality["Year_Birth"],
        children=personality["Kidhome"] + personality["Teenhome"],
    ).merge(clusters(build), on="ID")
    checks = {"income": "Income", "age": "age", "children": "children"}
    checks |= {"spend_wines": "MntWines", "purchases_web": "NumWebPurchases"}
    for feature, column in checks.items():
        published = dict(
            (cluster_id, (mean, median))
            for cluster_id, mean, median in build.query(
                "select cluster_id, mean_value, median_value"
                f" from cluster_feature_profiles where feature = '{feature}'"
            )
        )
        grouped = raw.groupby("cluster_id")[column]
        for cluster_id, (mean, median) in published.items():
            # Income has 24 blanks: profiles ignore them, as pandas does.
            assert mean == pytest.approx(grouped.mean()[cluster_id]), feature
            assert median == pytest.approx(grouped.median()[cluster_id]), feature
    features = build.query(
        "select count(distinct feature), count(*) from cluster_feature_profiles"
    )[0]
    n_clusters = build.query("select count(*) from cluster_profiles")[0][0]
    assert features == (15, 15 * n_clusters)


def test_names_come_from_the_examples_rule_set_and_outliers_are_flagged(
    build, personality
):
    names = [row[0] for row in build.query("select cluster_name from cluster_profiles")]
    rules = pd.read_csv(PROJECT_DIR / "seeds" / "cluster_naming_rules.csv")
    allowed = set(rules.loc[rules["rule_set"] == "customer_personality", "name"])
    assert len(names) == len(set(names))
    assert {name.rstrip(" 0123456789") for name in names} <= allowed
    assigned = clusters(build)
    # The household reporting an income of 666,666 is far outside the bulk.
    rich = personality.loc[personality["Income"] == 666666, "ID"].item()
    flagged = assigned.loc[assigned["is_outlier"]]
    assert rich in set(flagged["ID"])
    assert "income" in flagged.set_index("ID").loc[rich, "reason"]
    # Assigned by nearest centroid, not given a cluster of its own.
    sizes = assigned.groupby("cluster_id").size()
    assert sizes.min() >= 100


def test_repeated_ids_stop_the_build(tmp_path: Path):
    doubled = tmp_path / "doubled.csv"
    lines = CSV.read_text().splitlines()
    doubled.write_text("\n".join([*lines, lines[1]]) + "\n")
    run = run_dbt(
        tmp_path, "build", dbt_vars=example_vars(path=str(doubled)), extra_args=SELECT
    )
    assert run.returncode != 0
    results = json.loads((tmp_path / "target" / "run_results.json").read_text())
    failed = {
        r["unique_id"] for r in results["results"] if r["status"] in ("fail", "error")
    }
    assert any("unique_stg_customers__features_customer_id" in f for f in failed)
    # Nothing downstream of the bad input was built.
    tables = {row[0] for row in run.query("show tables")}
    assert "customer_clusters" not in tables


def test_summary_prints_each_cluster_with_its_response_rate(build):
    from segmentation.summary import format_summary, read_summary

    text = format_summary(build.db_path, read_summary(build.db_path))
    assert "response rate" in text
    for name, rate in build.query(
        "select cluster_name, response_rate from cluster_profiles"
    ):
        line = next(line for line in text.splitlines() if line.startswith(name))
        assert line.endswith(f"{rate:.1%}")


def test_cluster_response_rates_carry_wilson_intervals(build, personality):
    joined = personality.merge(clusters(build), on="ID")
    expected = joined.groupby("cluster_name")["Response"].agg(["sum", "count"])
    rows = build.query(
        "select segment_type, segment_name, customers, responders, response_known,"
        " response_rate, response_rate_lower, response_rate_upper, response_source"
        " from campaign_response_rates"
    )
    assert len(rows) == len(expected) >= 3
    for kind, name, customers, responders, known, rate, low, high, source in rows:
        # Only clusters: these customers have no RFM segment.
        assert kind == "cluster"
        assert source == "var clustering.response_column"
        assert customers == known == expected.loc[name, "count"]
        assert responders == expected.loc[name, "sum"]
        assert rate == pytest.approx(responders / known)
        expected_low, expected_high = wilson(responders, known)
        assert low == pytest.approx(expected_low, abs=1e-12)
        assert high == pytest.approx(expected_high, abs=1e-12)
    # The best and the worst cluster's intervals do not overlap: the
    # difference in response is not noise.
    by_rate = sorted(rows, key=lambda row: row[5])
    assert by_rate[0][7] < by_rate[-1][6]


def test_cluster_budget_follows_the_playbook_weights(build, personality):
    weights = playbook_weights("cluster", "customer_personality")
    profiles = build.query(
        "select cluster_name, coalesce(naming_rule, cluster_name), cluster_id"
        " from cluster_profiles"
    )
    rule_of = {name: rule for name, rule, _ in profiles}
    rank = {name: cluster_id for name, _, cluster_id in profiles}
    joined = personality.merge(clusters(build), on="ID")
    sizes = joined.groupby("cluster_name").size()
    responders = joined.groupby("cluster_name")["Response"].sum()
    cents = budget_cents(
        10_000,
        {name: weights[rule_of[name]] * int(n) for name, n in sizes.items()},
        rank,
    )
    rows = build.query(
        "select segment_name, segment_rule_name, customers, budget_weight, budget,"
        " expected_responders, cost_per_expected_response, message"
        " from segment_budget"
    )
    assert len(rows) == len(sizes)
    for name, rule, customers, weight, budget, expected, cost, message in rows:
        assert rule == rule_of[name]
        assert customers == sizes[name]
        assert weight == weights[rule]
        assert budget * 100 == cents[name], name
        assert message
        # Every customer's response is known: expected = past responders.
        assert expected == pytest.approx(responders[name])
        assert cost == pytest.approx(cents[name] / 100 / responders[name])
    assert sum(row[4] for row in rows) == 10_000
