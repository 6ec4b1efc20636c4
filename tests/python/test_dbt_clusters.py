"""K-means segments built by the real dbt project: on the demo data and on a
real order history it was never tuned on (CDNOW) every customer gets one
cluster, the same one on every build, few are outliers and the quality gates
pass on default settings; on customers that form one tight blob the gates
stop the build and say which var to change."""

from __future__ import annotations

import csv
import json
import re
from datetime import date, timedelta
from pathlib import Path

import duckdb
import numpy as np
import pytest
import yaml
from cdnow import write_cdnow_orders_csv
from dbt_project_runner import PROJECT_DIR, DbtRun, copy_of, demo_build, run_dbt

from segmentation.clustering import parse_config

CLUSTER_MODELS = (
    "int_kmeans_results path:models/intermediate/clustering path:models/marts/clusters"
)
ASSIGNMENTS = "select customer_id, cluster_id, cluster_name from customer_clusters"
GATES = {
    "gate_cluster_min_size",
    "gate_cluster_max_share_unless_split",
    "gate_cluster_outlier_share",
    "gate_one_cluster_per_customer",
    "gate_chosen_k_in_business_range",
    "gate_chosen_k_silhouette",
    "gate_chosen_k_stability",
    "gate_cluster_centroids_apart",
}
# Tests whose every parent is built: a cluster build leaves out the history
# and audience marts that some cross-model tests also read.
CAUTIOUS = ["--indirect-selection", "cautious"]
# The seeds and models the cluster marts read, built without their tests.
CLUSTER_MART_INPUTS = [
    "--select",
    "+path:models/marts/clusters",
    "--resource-type",
    "seed",
    "--resource-type",
    "model",
]


def data_test_statuses(work_dir: Path) -> dict[str, str]:
    """Status of every data test of the run in work_dir (run_results.json)."""
    results = json.loads((work_dir / "target" / "run_results.json").read_text())
    return {
        r["unique_id"].split(".")[2]: r["status"]
        for r in results["results"]
        if r["unique_id"].startswith("test.")
    }


def failed_tests(run: DbtRun, work_dir: Path) -> set[str]:
    """Names of the data tests that failed in the run (from run_results.json)."""
    statuses = data_test_statuses(work_dir)
    return {name for name, status in statuses.items() if status in ("fail", "error")}


def failure_reasons(run: DbtRun, gate: str) -> list[str]:
    """The failure_reason of every row a gate stored (dbt --store-failures)."""
    rows = run.query(f"select failure_reason from main_dbt_test__audit.{gate}")
    return [reason for (reason,) in rows]


@pytest.fixture(scope="module")
def demo_builds(tmp_path_factory: pytest.TempPathFactory) -> tuple[DbtRun, list]:
    """The demo data built twice: all of it (demo_build), then on a copy
    only the K-means models and marts again (with their tests and gates).
    Returns the second run and the assignments of the first."""
    first = demo_build(tmp_path_factory)
    first_assignments = first.query(f"{ASSIGNMENTS} order by customer_id")
    work_dir = tmp_path_factory.mktemp("clusters_demo")
    second = run_dbt(
        work_dir,
        "build",
        extra_args=["--select", CLUSTER_MODELS],
        database=copy_of(first, work_dir),
    )
    assert second.returncode == 0, second.output
    return second, first_assignments


def test_every_scored_customer_has_exactly_one_cluster(demo_builds):
    run, _ = demo_builds
    scored, clustered, missing, repeated = run.query(
        """
        select
            (select count(*) from int_customers_rfm_scored),
            (select count(*) from customer_clusters),
            (
                select count(*) from int_customers_rfm_scored as s
                where not exists (
                    select 1 from customer_clusters as c
                    where c.customer_id = s.customer_id
                        and c.cluster_id is not null
                )
            ),
            (
                select count(*) from (
                    select customer_id from customer_clusters
                    group by customer_id having count(*) > 1
                )
            )
        """
    )[0]
    assert scored > 5000
    assert (clustered, missing, repeated) == (scored, 0, 0)


def test_cluster_ids_and_names_identical_across_builds(demo_builds):
    run, first_assignments = demo_builds
    second_assignments = run.query(f"{ASSIGNMENTS} order by customer_id")
    assert second_assignments == first_assignments
    assert len({(cid, name) for _, cid, name in second_assignments}) >= 3


def test_model_selection_covers_k_range_with_one_chosen_k(demo_builds):
    run, _ = demo_builds
    rows = run.query(
        "select k, is_chosen, chosen_k_reason from cluster_model_selection order by k"
    )
    assert [k for k, _, _ in rows] == list(range(2, 11))
    chosen = [(k, reason) for k, is_chosen, reason in rows if is_chosen]
    assert len(chosen) == 1
    k, reason = chosen[0]
    assert 3 <= k <= 7
    assert reason.startswith(f"k={k}: highest silhouette")
    sizes = run.query("select k from cluster_comparison order by k")
    assert sizes == [(3,), (4,), (5,)]


def test_the_demo_passes_every_gate_with_few_outliers(demo_builds):
    run, _ = demo_builds
    statuses = data_test_statuses(run.db_path.parent)
    assert {gate: statuses.get(gate) for gate in GATES} == dict.fromkeys(GATES, "pass")
    chosen = run.query(
        "select passes_gates, gate_failures from cluster_model_selection"
        " where is_chosen"
    )
    assert chosen == [(True, None)]
    outliers, customers = run.query(
        "select count(*) filter (where is_outlier), count(*) from customer_clusters"
    )[0]
    assert 0 < outliers <= 0.02 * customers


def write_one_blob(path: Path, customers: int = 200, seed: int = 9) -> None:
    """Order lines of customers that all look alike: about 20 orders each
    between a first order near 300 days and a last near 60 days before the
    as-of date, prices near 50. Their features form one round blob, with no
    real clusters to find."""
    rng = np.random.default_rng(seed)
    as_of = date(2024, 7, 1)
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            ["customer_id", "order_id", "ordered_at", "quantity", "unit_price"]
        )
        for i in range(customers):
            orders = max(int(rng.poisson(20)), 2)
            first = int(round(rng.normal(300, 8)))
            last = int(round(rng.normal(60, 8)))
            days = [first, last, *rng.integers(last, first + 1, orders - 2)]
            prices = np.round(rng.normal(50, 5, orders), 2)
            for n, (days_before, price) in enumerate(zip(days, prices, strict=True)):
                day = as_of - timedelta(days=int(days_before))
                writer.writerow([f"C{i:03d}", f"O{i:03d}-{n}", day, 1, float(price)])


def test_gates_fail_on_customers_that_form_one_blob(tmp_path):
    data = tmp_path / "blob.csv"
    write_one_blob(data)
    dbt_vars = {
        "order_inputs": [{"name": "blob", "path": str(data)}],
        "as_of_date": "2024-07-01",
        # The cluster mix reads the segment assignments, value tiers
        # included: the CLV fits on this constructed blob are not what this
        # build tests (they find no repeat-purchase rate and stop).
        "clv_enabled": False,
    }
    built = run_dbt(
        tmp_path,
        "build",
        dbt_vars,
        extra_args=CLUSTER_MART_INPUTS,
    )
    assert built.returncode == 0, built.output
    tested = run_dbt(
        tmp_path,
        "test",
        dbt_vars,
        extra_args=["--select", CLUSTER_MODELS, "--store-failures"],
    )
    assert tested.returncode != 0
    failed = failed_tests(tested, tmp_path)
    # 200 customers cannot fill three clusters of 100: no k of 3..7 meets
    # every threshold, and the reason says so with each k's figures.
    assert "gate_cluster_min_size" in failed, failed
    (reason,) = built.query(
        "select chosen_k_reason from cluster_model_selection where is_chosen"
    )[0]
    assert reason.startswith("no k in 3..7 meets every quality threshold")
    for k in range(3, 8):
        assert f"k={k}: silhouette " in reason
    assert "relax min_cluster_customers" in reason
    (size_reason, *_) = failure_reasons(tested, "gate_cluster_min_size")
    assert re.fullmatch(
        r"cluster \d holds \d+ customers \([\d.]+% of all\), below var "
        r"clustering\.min_cluster_customers = 100",
        size_reason,
    ), size_reason
    # Every customer still gets exactly one cluster.
    assert "gate_one_cluster_per_customer" not in failed


def test_each_gate_fails_when_its_claim_breaks(demo_builds, tmp_path):
    """On a copy of the demo build: one customer removed from
    customer_clusters, and every threshold set beyond what the demo data
    reaches. Every gate must fail and say which var to change; with the
    shipped thresholds (the builds above) every gate passes."""
    run, _ = demo_builds
    database = copy_of(run, tmp_path)
    with duckdb.connect(str(tmp_path / run.db_path.name)) as con:
        con.execute(
            "delete from customer_clusters where customer_id ="
            " (select min(customer_id) from customer_clusters)"
        )
    project = yaml.safe_load((PROJECT_DIR / "dbt_project.yml").read_text())
    strict = project["vars"]["clustering"] | {
        "business_k_range": [6, 7],
        "min_cluster_customers": 1_000_000,
        "min_cluster_share": 0.9,
        "max_cluster_share": 0.05,
        "max_outlier_share": 0.0,
        "min_silhouette": 0.99,
        "min_stability": 0.999,
        "min_centroid_distance": 100,
    }
    tested = run_dbt(
        tmp_path,
        "test",
        {"clustering": strict},
        extra_args=["--select", CLUSTER_MODELS, "--store-failures"],
        database=database,
    )
    assert tested.returncode != 0
    passed_anyway = GATES - failed_tests(tested, tmp_path)
    assert not passed_anyway, tested.output
    for gate in GATES - {"gate_one_cluster_per_customer"}:
        reasons = failure_reasons(tested, gate)
        assert reasons and all("var clustering." in r for r in reasons), gate
    (missing,) = failure_reasons(tested, "gate_one_cluster_per_customer")
    assert missing.endswith("has no row in the clusters")


def test_a_refresh_keeps_the_stored_k_and_clusters(demo_builds, tmp_path):
    """On a copy of the demo build, the cluster models built again as a
    refresh builds them (var refresh_from_stored): with the same customers,
    the stored k is kept, only it is measured, and every customer keeps its
    cluster; the side-by-side k and the split of the oversized cluster start
    from the stored ones and come back as they were; the published tables
    keep their columns and every gate passes."""
    run, first_assignments = demo_builds
    refreshed = run_dbt(
        tmp_path,
        "build",
        {"refresh_from_stored": True},
        extra_args=["--select", CLUSTER_MODELS],
        database=copy_of(run, tmp_path),
    )
    assert refreshed.returncode == 0, refreshed.output
    (chosen,) = run.query("select k from cluster_model_selection where is_chosen")[0]
    assert f"K-means: warm start from the stored run: k={chosen} kept" in (
        refreshed.output
    )
    # Only the kept k is measured, and the kept split of each oversized
    # cluster: nothing sweeps k_range or split_k_range.
    assert f"k-means k={chosen} (1/1)" in refreshed.output
    settings = parse_config(
        yaml.safe_load((PROJECT_DIR / "dbt_project.yml").read_text())["vars"][
            "clustering"
        ]
    )
    k_range = len(run.query("select k from cluster_model_selection"))
    split_range = settings.split_k_range[1] - settings.split_k_range[0] + 1
    for sweep in (k_range, split_range):
        assert not re.search(rf"k-means k=\d+ \(\d+/{sweep}\)", refreshed.output)
    split = run.query(
        "select cluster_id, count(*) from sub_cluster_profiles group by all"
    )
    assert split, "the demo data has an oversized cluster"
    for cluster, subs in split:
        assert (
            f"K-means: split of cluster {cluster}: warm start from the stored "
            f"fit: k={subs} kept, the stored centroids already fit"
        ) in refreshed.output
    for k in set(settings.compare_k) - {chosen}:
        assert (
            f"K-means: side-by-side k={k}: warm start from the stored fit: "
            f"k={k} kept, the stored centroids already fit"
        ) in refreshed.output
    assert refreshed.query(f"{ASSIGNMENTS} order by customer_id") == first_assignments
    sub_clusters = (
        "select customer_id, sub_cluster_id, sub_cluster_name"
        " from customer_clusters order by customer_id"
    )
    assert refreshed.query(sub_clusters) == run.query(sub_clusters)
    # The sizes side by side; the figures of the kept k are measured again.
    sizes = (
        "select k, clusters, customers, min_cluster_customers,"
        " max_cluster_customers from cluster_comparison order by k"
    )
    assert refreshed.query(sizes) == run.query(sizes)
    selection = "select * from cluster_model_selection order by k"
    before, after = run.query(selection), refreshed.query(selection)
    assert [row[:2] for row in after] == [row[:2] for row in before]
    (reason,) = refreshed.query(
        "select chosen_k_reason from cluster_model_selection where is_chosen"
    )[0]
    assert reason.startswith(f"k={chosen} kept from the stored run")
    assert refreshed.query(
        "select run.k_source, run.chosen_k from int_kmeans_results where part = 'run'"
    ) == [("stored run", chosen)]
    statuses = data_test_statuses(tmp_path)
    assert {gate: statuses.get(gate) for gate in GATES} == dict.fromkeys(GATES, "pass")


def test_only_oversized_clusters_are_split_and_profiled(demo_builds):
    run, _ = demo_builds
    project = yaml.safe_load((PROJECT_DIR / "dbt_project.yml").read_text())
    max_share = parse_config(project["vars"]["clustering"]).max_cluster_share
    oversized = run.query(
        f"select cluster_id, customers from cluster_profiles"
        f" where customer_share > {max_share} order by cluster_id"
    )
    split = run.query(
        "select cluster_id, sum(customers) from sub_cluster_profiles"
        " group by cluster_id order by cluster_id"
    )
    assert oversized, "the demo data has an oversized cluster"
    assert split == oversized


def test_the_build_prints_a_progress_line_per_k(demo_builds):
    run, _ = demo_builds
    rows = run.query("select k, silhouette from cluster_model_selection order by k")
    for position, (k, silhouette) in enumerate(rows, start=1):
        line = (
            rf"k-means k={k} \({position}/{len(rows)}\):"
            rf" inertia [\d,]+, silhouette {silhouette:.3f},"
        )
        assert re.search(line, run.output), line


def test_a_real_order_history_passes_every_gate_on_default_settings(tmp_path):
    """CDNOW's purchases as a shop's order export, built with the default
    settings: the clusters pass every gate and at most 5% of the customers
    are outliers (a robust-z rule flagged 23% of them, every recent buyer)."""
    orders = tmp_path / "cdnow_orders.csv"
    lines = write_cdnow_orders_csv(orders)
    assert lines == 69_659
    run = run_dbt(
        tmp_path,
        "build",
        {"order_inputs": [{"name": "cdnow", "path": str(orders)}]},
        extra_args=[
            "--select",
            "+path:models/marts/clusters",
            "--exclude-resource-type",
            "unit_test",
            *CAUTIOUS,
        ],
    )
    assert run.returncode == 0, run.output
    statuses = data_test_statuses(tmp_path)
    assert {gate: statuses.get(gate) for gate in GATES} == dict.fromkeys(GATES, "pass")
    outliers, customers = run.query(
        "select count(*) filter (where is_outlier), count(*) from customer_clusters"
    )[0]
    assert customers > 23_000
    assert outliers <= 0.05 * customers
    chosen = run.query(
        "select k, passes_gates from cluster_model_selection where is_chosen"
    )
    assert len(chosen) == 1 and 3 <= chosen[0][0] <= 7 and chosen[0][1]
