"""Same input, same output: scores, segments, K-means clusters and CLV
figures do not depend on dbt's or DuckDB's thread count, under either tie
policy."""

from __future__ import annotations

from pathlib import Path

import pytest
from dbt_project_runner import run_dbt

from segmentation_dev.datagen import generate_order_lines

SEGMENT_COLUMNS = (
    "customer_id, segment_name, rfm_cell, r_score, f_score, m_score,"
    " recency_days, frequency, monetary, cluster_id, cluster_name"
)
CLV_COLUMNS = "p_alive, expected_purchases, predicted_clv, value_decile"


@pytest.fixture(scope="module")
def generated_lines(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("generated") / "order_lines.parquet"
    generate_order_lines(path, lines=40_000, seed=7, bad_share=0.02)
    return path


@pytest.fixture(scope="module")
def segments(generated_lines, tmp_path_factory):
    """customer_segments of one build per (policy, threads), built once."""
    built: dict[tuple[str, int], list] = {}

    def get(policy: str, threads: int) -> list:
        if (policy, threads) not in built:
            work_dir = tmp_path_factory.mktemp(f"{policy}_{threads}")
            built[policy, threads] = build_segments(
                work_dir, generated_lines, policy, threads
            )
        return built[policy, threads]

    return get


def build_segments(work_dir: Path, data: Path, policy: str, threads: int) -> list:
    """customer_segments as built, with the clusters under the value policy
    only: they read raw figures, not scores, so one policy suffices."""
    dbt_vars = {
        "order_inputs": [{"name": "generated", "path": str(data)}],
        "rfm_tie_policy": policy,
    }
    if policy != "value":
        # Not the default: a parse of the project of its own. The value
        # policy's builds leave it out, and share the default vars' parse.
        dbt_vars["clustering_enabled"] = False
    # With each customer's CLV figures: the fit must not depend on the
    # threads either.
    query = (
        f"select {SEGMENT_COLUMNS}, {CLV_COLUMNS} from customer_segments"
        f" left join (select customer_id, {CLV_COLUMNS}"
        " from customer_value_predictions) using (customer_id) order by 1"
    )
    # Seeds and models only: the data tests, the audit and the copy to the
    # published file change no score.
    run = run_dbt(
        work_dir,
        "build",
        dbt_vars,
        extra_args=["--resource-type", "seed", "--resource-type", "model"],
        threads=threads,
        duckdb_threads=threads,
    )
    assert run.returncode == 0, run.output
    return run.query(query)


@pytest.mark.parametrize("policy", ["value", "row"])
def test_thread_count_does_not_change_any_score(policy, segments):
    single = segments(policy, 1)
    many = segments(policy, 4)
    assert len(single) > 1000
    if policy == "value":
        assert all(row[10] is not None for row in single), "every customer clustered"
    assert all(row[-2] is not None for row in single), "every customer's CLV"
    assert single == many


def test_row_policy_balances_buckets_to_one_customer(segments):
    rows = segments("row", 1)
    for position, axis in [(3, "r"), (4, "f"), (5, "m")]:
        sizes = {}
        for row in rows:
            sizes[row[position]] = sizes.get(row[position], 0) + 1
        assert sorted(sizes) == [1, 2, 3, 4, 5], axis
        assert max(sizes.values()) - min(sizes.values()) <= 1, (axis, sizes)
