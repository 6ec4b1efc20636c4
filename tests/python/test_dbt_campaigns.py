"""Segments into campaigns, built by dbt on hand-made inputs (one build):
ten customers whose RFM segments are worked out by hand, past campaign
responses for them (var campaign_responses), and a treatment / control test
(var campaign_uplift_input). Every expected figure is computed here, by hand
or with the formula written in the test (Wilson intervals from scipy)."""

from __future__ import annotations

import csv
import math
from datetime import date, timedelta
from fractions import Fraction
from pathlib import Path

import pytest
from campaign_expectations import budget_cents, playbook_weights, wilson
from dbt_project_runner import PROJECT_DIR, DbtRun, run_dbt

AS_OF = date(2024, 3, 1)
BUDGET = 1000
Z = 1.959963984540054

# customer: (recency_days, frequency). Each order is one line of 1 x 10.00,
# so monetary = 10 x frequency and M ranks like F.
CUSTOMERS = {
    "C01": (1, 10),
    "C02": (2, 8),
    "C03": (3, 9),
    "C04": (4, 7),
    "C05": (5, 6),
    "C06": (6, 5),
    "C07": (7, 4),
    "C08": (8, 3),
    "C09": (9, 2),
    "C10": (10, 1),
}
# NTILE(5) over ten customers with distinct values: two per score.
# R (most recent first): C01 C02 -> 5, C03 C04 -> 4, C05 C06 -> 3,
#   C07 C08 -> 2, C09 C10 -> 1.
# F and M (most first): C01 C03 -> 5, C02 C04 -> 4, C05 C06 -> 3,
#   C07 C08 -> 2, C09 C10 -> 1.
# Cells (R, FM) and the shipped rule map:
#   C01 (5, 5), C02 (5, 4), C03 (4, 5) Champions; C04 (4, 4) Loyal;
#   C05 C06 (3, 3) Need Attention; C07 C08 (2, 2) Hibernating;
#   C09 C10 (1, 1) Lost.
SEGMENTS = {
    "Champions": 3,
    "Loyal": 1,
    "Need Attention": 2,
    "Hibernating": 2,
    "Lost": 2,
}

# Past responses: C02 twice (once 1: a responder), C08 unknown, X99 is not
# a customer (ignored).
RESPONSES = """customer;accepted
C01;1
C02;0
C02;1
C03;0
C04;0
C05;1
C06;0
C07;0
C08;
C09;0
C10;0
X99;1
"""
# segment: (responders, customers with a known response)
RESPONSE_COUNTS = {
    "Champions": (2, 3),
    "Loyal": (0, 1),
    "Need Attention": (1, 2),
    "Hibernating": (0, 1),
    "Lost": (0, 2),
}

# The treatment / control test: segment: (treated, treated responders,
# control, control responders).
UPLIFT_COUNTS = {
    "A": (200, 40, 200, 20),
    "B": (50, 5, 50, 6),
}


def write_orders(path: Path) -> None:
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            ["customer_id", "order_id", "ordered_at", "quantity", "unit_price"]
        )
        for customer, (recency, frequency) in CUSTOMERS.items():
            last = AS_OF - timedelta(days=recency)
            for n in range(frequency):
                ordered = last - timedelta(days=7 * n)
                # Order ids must not start with "C", the return prefix.
                order_id = f"O{customer}-{n}"
                writer.writerow([customer, order_id, f"{ordered} 12:00:00", 1, "10.00"])


def write_uplift(path: Path) -> None:
    rows = ["segment,arm,converted"]
    for segment, (treated, treated_yes, control, control_yes) in UPLIFT_COUNTS.items():
        rows += [f"{segment},treatment,{int(n < treated_yes)}" for n in range(treated)]
        rows += [f"{segment},control,{int(n < control_yes)}" for n in range(control)]
    # Not in the test (no arm) and an unknown response: both left out.
    rows += ["A,,1", "B,,0", "A,treatment,"]
    path.write_text("\n".join(rows) + "\n")


@pytest.fixture(scope="module")
def campaign_run(tmp_path_factory: pytest.TempPathFactory) -> DbtRun:
    work_dir = tmp_path_factory.mktemp("campaigns")
    write_orders(work_dir / "orders.csv")
    (work_dir / "responses.csv").write_text(RESPONSES)
    write_uplift(work_dir / "uplift.csv")
    dbt_vars = {
        "order_inputs": [{"name": "orders", "path": str(work_dir / "orders.csv")}],
        "as_of_date": str(AS_OF),
        "clustering_enabled": False,
        # Value tiers join the campaigns from the CLV models, which cannot
        # fit on these few hand-made orders: not what this build tests.
        "clv_enabled": False,
        "campaign_budget": BUDGET,
        "campaign_responses": {
            "path": str(work_dir / "responses.csv"),
            "delimiter": ";",
            "id": "customer",
            "response": "accepted",
        },
        "campaign_uplift_input": {
            "path": str(work_dir / "uplift.csv"),
            "segment": "segment",
            "treatment": "arm = 'treatment'",
            "response": "converted",
        },
    }
    run = run_dbt(
        work_dir,
        "build",
        dbt_vars,
        # The campaign marts and what they read, with the campaign tests only
        # (the upstream models' tests run in every other build).
        extra_args=[
            "--select",
            "+path:models/marts/campaigns",
            "customer_segments",
            "path:tests/assert_segment_playbook_covers_every_segment_once.sql",
            "--indirect-selection",
            "empty",
        ],
    )
    assert run.returncode == 0, run.output
    return run


def segment_ranks() -> dict[str, int]:
    with (PROJECT_DIR / "seeds" / "segment_definitions.csv").open() as handle:
        return {
            row["segment_name"]: int(row["segment_rank"])
            for row in csv.DictReader(handle)
        }


def test_segments_are_the_hand_worked_ones(campaign_run):
    rows = campaign_run.query(
        "select segment_name, count(*) from customer_segments group by 1"
    )
    assert dict(rows) == SEGMENTS


def test_budget_is_split_by_weight_times_customers_to_the_cent(campaign_run):
    weights = playbook_weights("rfm_segment")
    ranks = segment_ranks()
    customers = {name: SEGMENTS.get(name, 0) for name in ranks}
    cents = budget_cents(
        BUDGET, {n: weights[n] * c for n, c in customers.items()}, ranks
    )
    rows = campaign_run.query(
        "select segment_name, customers, budget_weight, budget, budget_per_customer,"
        " budget_share, campaign_budget from segment_budget"
        " where segment_type = 'rfm_segment'"
    )
    assert len(rows) == 11
    for name, n, weight, budget, per_customer, share, campaign_budget in rows:
        assert n == customers[name]
        assert Fraction(weight) == weights[name]
        assert Fraction(budget) == Fraction(cents[name], 100), name
        assert per_customer == (pytest.approx(cents[name] / 100 / n) if n else None)
        assert share == pytest.approx(cents[name] / (BUDGET * 100))
        assert campaign_budget == BUDGET
    assert sum(Fraction(row[3]) for row in rows) == BUDGET
    # No cluster rows: clustering is off in this build.
    assert campaign_run.query(
        "select count(*) from segment_budget where segment_type = 'cluster'"
    ) == [(0,)]


def test_budget_with_the_shipped_weights_matches_the_hand_computation(campaign_run):
    # Shipped weights: Champions, Loyal, Need Attention 1.0; Hibernating 0.4;
    # Lost 0.1. Sum of weight x customers = 3 + 1 + 2 + 0.8 + 0.2 = 7.
    # Cents: 100000 x (3, 1, 2, 0.8, 0.2) / 7 = 42857.14, 14285.71, 28571.43,
    # 11428.57, 2857.14; floors add up to 99998; the two cents left go to
    # the largest remainders, Loyal (.71) and Hibernating (.57).
    weights = playbook_weights("rfm_segment")
    shipped = {
        "Champions": 1,
        "Loyal": 1,
        "Need Attention": 1,
        "Hibernating": 0.4,
        "Lost": 0.1,
    }
    if any(weights[n] != Fraction(str(w)) for n, w in shipped.items()):
        pytest.skip("segment_playbook weights were edited")
    rows = campaign_run.query(
        "select segment_name, budget from segment_budget"
        " where segment_type = 'rfm_segment' and customers > 0"
    )
    assert {name: float(budget) for name, budget in rows} == {
        "Champions": 428.57,
        "Loyal": 142.86,
        "Need Attention": 285.71,
        "Hibernating": 114.29,
        "Lost": 28.57,
    }


def test_response_rates_and_wilson_intervals_per_segment(campaign_run):
    rows = campaign_run.query(
        "select segment_name, customers, responders, response_known, response_rate,"
        " response_rate_lower, response_rate_upper, response_source"
        " from campaign_response_rates where segment_type = 'rfm_segment'"
    )
    assert len(rows) == 11
    for name, n, responders, known, rate, lower, upper, source in rows:
        assert source == "var campaign_responses"
        expected_responders, expected_known = RESPONSE_COUNTS.get(name, (0, 0))
        assert (n, responders, known) == (
            SEGMENTS.get(name, 0),
            expected_responders,
            expected_known,
        )
        if known == 0:
            assert rate is lower is upper is None
            continue
        assert rate == pytest.approx(expected_responders / expected_known)
        expected_lower, expected_upper = wilson(expected_responders, expected_known)
        assert lower == pytest.approx(expected_lower, abs=1e-12)
        assert upper == pytest.approx(expected_upper, abs=1e-12)
    # By hand for Champions, 2 of 3: centre (2/3 + z^2/6) / (1 + z^2/3) and
    # half-width z / (1 + z^2/3) * sqrt(2/27 + z^2/36).
    centre = (2 / 3 + Z**2 / 6) / (1 + Z**2 / 3)
    half = Z / (1 + Z**2 / 3) * math.sqrt(2 / 27 + Z**2 / 36)
    champions = [row for row in rows if row[0] == "Champions"][0]
    assert champions[5:7] == (
        pytest.approx(centre - half),
        pytest.approx(centre + half),
    )
    assert champions[5:7] == (
        pytest.approx(0.2077, abs=1e-4),
        pytest.approx(0.9385, abs=1e-4),
    )


def test_expected_responders_and_cost_per_response(campaign_run):
    rows = campaign_run.query(
        "select segment_name, budget, expected_responders, expected_responders_lower,"
        " expected_responders_upper, cost_per_expected_response"
        " from segment_budget where segment_type = 'rfm_segment'"
    )
    for name, budget, expected, lower, upper, cost in rows:
        if name not in RESPONSE_COUNTS:
            # Empty segments: no known response, nothing to expect.
            assert expected is lower is upper is cost is None
            continue
        responders, known = RESPONSE_COUNTS[name]
        n = SEGMENTS[name]
        contacted = budget > 0
        assert expected == pytest.approx(n * responders / known if contacted else 0)
        low, high = wilson(responders, known)
        assert lower == pytest.approx(n * low if contacted else 0)
        assert upper == pytest.approx(n * high if contacted else 0)
        if contacted and responders:
            assert cost == pytest.approx(float(budget) / (n * responders / known))
        else:
            assert cost is None
    # Champions: 3 customers x 2/3 = 2 expected responders.
    champions = [row for row in rows if row[0] == "Champions"][0]
    assert champions[2] == pytest.approx(2.0)


def newcombe(treated: int, treated_yes: int, control: int, control_yes: int) -> tuple:
    """Newcombe's hybrid score interval (method 10), from scipy's Wilson."""
    p1, p2 = treated_yes / treated, control_yes / control
    l1, u1 = wilson(treated_yes, treated)
    l2, u2 = wilson(control_yes, control)
    d = p1 - p2
    return d - math.hypot(p1 - l1, u2 - p2), d + math.hypot(u1 - p1, p2 - l2)


def test_uplift_per_segment_with_its_newcombe_interval(campaign_run):
    rows = campaign_run.query(
        "select segment_name, treated_customers, treated_responders, control_customers,"
        " control_responders, treated_response_rate, control_response_rate, uplift,"
        " uplift_lower, uplift_upper, incremental_responders, is_total,"
        " is_uplift_significant from segment_uplift"
    )
    by_name = {row[0]: row[1:] for row in rows}
    assert set(by_name) == {"A", "B", "All segments"}
    # By hand: A 40/200 - 20/200 = 0.10; B 5/50 - 6/50 = -0.02;
    # all: 45/250 - 26/250 = 0.076.
    hand = {"A": 0.10, "B": -0.02, "All segments": 0.076}
    counts = UPLIFT_COUNTS | {"All segments": (250, 45, 250, 26)}
    for name, (treated, treated_yes, control, control_yes) in counts.items():
        row = by_name[name]
        assert row[:4] == (treated, treated_yes, control, control_yes)
        assert row[4] == pytest.approx(treated_yes / treated)
        assert row[5] == pytest.approx(control_yes / control)
        assert row[6] == pytest.approx(hand[name])
        lower, upper = newcombe(treated, treated_yes, control, control_yes)
        assert row[7] == pytest.approx(lower, abs=1e-12)
        assert row[8] == pytest.approx(upper, abs=1e-12)
        assert row[9] == pytest.approx(hand[name] * treated)
        assert row[10] is (name == "All segments")
        assert row[11] is (lower > 0 or upper < 0)
    # A's uplift is clear of 0, B's is not.
    assert by_name["A"][11] is True
    assert by_name["B"][11] is False
    # For A by hand: Wilson 40/200 = (0.1505, 0.2609), 20/200 = (0.0657,
    # 0.1494); 0.10 - sqrt(0.0495^2 + 0.0494^2) = 0.0300,
    # 0.10 + sqrt(0.0609^2 + 0.0343^2) = 0.1699.
    assert by_name["A"][7] == pytest.approx(0.0300, abs=2e-4)
    assert by_name["A"][8] == pytest.approx(0.1699, abs=2e-4)


def test_every_segment_has_one_playbook_row(campaign_run):
    # The build ran assert_segment_playbook_covers_every_segment_once; the
    # playbook's weights reached every budget row.
    assert "assert_segment_playbook_covers_every_segment_once" in campaign_run.output
    missing = campaign_run.query(
        "select count(*) from segment_budget"
        " where budget_weight is null or message is null"
    )
    assert missing == [(0,)]
