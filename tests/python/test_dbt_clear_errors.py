"""Bad configuration or input stops the build with a message that names the
problem and the var to fix, never with a half-built warehouse that looks
fine."""

from __future__ import annotations

from pathlib import Path

import pytest
from dbt_project_runner import DbtRun, run_dbt

GOOD_CSV = (
    "customer_id,order_id,ordered_at,quantity,unit_price\n"
    "A,1,2024-01-01 10:00:00,1,10\n"
    "B,2,2024-01-05 10:00:00,2,10\n"
)


def csv_input(path: Path, **extra) -> dict:
    return {"order_inputs": [{"name": "orders", "path": str(path), **extra}]}


CASES = {
    "mapped_column_missing": (
        GOOD_CSV,
        lambda p: csv_input(p, columns={"customer_id": "Kunde"}),
        ["column 'Kunde' (mapped to customer_id) is not in the input", "order_inputs"],
    ),
    "required_column_missing": (
        "customer_id,order_id,ordered_at,unit_price\nA,1,2024-01-01,10\n",
        csv_input,
        ["column 'quantity' (mapped to quantity)", "order_inputs"],
    ),
    "no_amount_column": (
        "customer_id,order_id,ordered_at,quantity\nA,1,2024-01-01,1\n",
        csv_input,
        ["neither unit_price nor line_amount", "order_inputs"],
    ),
    "empty_input": (
        "customer_id,order_id,ordered_at,quantity,unit_price\n",
        csv_input,
        ["the input has no rows", "order_inputs"],
    ),
    "no_such_file": (
        None,
        lambda p: csv_input(p.with_name("missing.csv")),
        ["no file matches path", "order_inputs"],
    ),
    "unknown_column_key": (
        GOOD_CSV,
        lambda p: csv_input(p, columns={"client": "customer_id"}),
        ["unknown key 'client'", "order_inputs"],
    ),
    "no_inputs": (
        GOOD_CSV,
        lambda p: {"order_inputs": []},
        ["var order_inputs must be a non-empty list"],
    ),
    "as_of_before_first_order": (
        GOOD_CSV,
        lambda p: {**csv_input(p), "as_of_date": "2023-06-30"},
        ["var as_of_date 2023-06-30 is not after the first order"],
    ),
    "as_of_not_a_date": (
        GOOD_CSV,
        lambda p: {**csv_input(p), "as_of_date": "last friday"},
        ["var as_of_date 'last friday' is not a date"],
    ),
    "unknown_tie_policy": (
        GOOD_CSV,
        lambda p: {**csv_input(p), "rfm_tie_policy": "random"},
        ["var rfm_tie_policy is 'random'"],
    ),
    "bad_lookback": (
        GOOD_CSV,
        lambda p: {**csv_input(p), "lookback_days": -30},
        ["var lookback_days is '-30'"],
    ),
}


def run_to_rfm_scores(tmp_path: Path, dbt_vars: dict) -> DbtRun:
    """`dbt run` of the RFM scores and all they read."""
    return run_dbt(
        tmp_path, "run", dbt_vars, extra_args=["--select", "+int_customers_rfm_scored"]
    )


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_setup_fails_with_a_message_naming_the_fix(case: str, tmp_path: Path):
    content, make_vars, expected_messages = CASES[case]
    csv_path = tmp_path / "orders.csv"
    if content is not None:
        csv_path.write_text(content)
    run = run_to_rfm_scores(tmp_path, make_vars(csv_path))
    assert run.returncode != 0, run.output
    for message in expected_messages:
        assert message in run.output, run.output


def test_the_same_setup_with_good_input_builds(tmp_path: Path):
    """The cases above fail because of what they change, not because the
    harness cannot build at all."""
    csv_path = tmp_path / "orders.csv"
    csv_path.write_text(GOOD_CSV)
    run = run_to_rfm_scores(tmp_path, csv_input(csv_path))
    assert run.returncode == 0, run.output
    assert run.query("select count(*) from int_customers_rfm_scored") == [(2,)]
