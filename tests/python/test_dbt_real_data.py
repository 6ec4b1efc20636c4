"""The default build on the real UCI Online Retail data (both years, as
shipped in data/), checked against facts published with the data and
against an independent pandas implementation of the same definitions."""

from __future__ import annotations

import csv
import datetime as dt
from fractions import Fraction
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from campaign_expectations import budget_cents, playbook_weights
from dbt_project_runner import PROJECT_DIR, DbtRun, demo_build

from segmentation_dev.reference_rfm import RESULT_COLUMNS, rfm_scores_pandas

DATA_DIR = PROJECT_DIR / "data"
# Line counts published with the data (UCI data sets 352 and 502).
PUBLISHED_LINES = {
    "online_retail_2009_2010": 525_461,
    "online_retail_2010_2011": 541_909,
}


@pytest.fixture(scope="module")
def real_run(tmp_path_factory: pytest.TempPathFactory) -> DbtRun:
    return demo_build(tmp_path_factory)


def canonical_lines(path: Path, columns: dict[str, str]) -> pd.DataFrame:
    """One UCI file with the project's column names, mapped here by hand."""
    raw = pd.read_parquet(path)
    return pd.DataFrame(
        {
            "customer_id": raw[columns["customer_id"]].astype("Int64").astype("string"),
            "order_id": raw[columns["order_id"]],
            "ordered_at": pd.to_datetime(raw["InvoiceDate"]),
            "product_id": raw["StockCode"],
            "quantity": raw["Quantity"],
            "unit_price": raw[columns["unit_price"]],
            "country": raw["Country"],
        }
    )


def test_every_published_line_is_read_and_accounted_for(real_run):
    rows = real_run.query(
        "select source_name, sum(order_lines) from order_line_reconciliation"
        " group by source_name order by source_name"
    )
    assert dict(rows) == PUBLISHED_LINES


def test_the_days_both_files_hold_count_once(real_run):
    # 2010-12-01 .. 2010-12-09 stand in both files: the later file's copies
    # of those lines must all be quarantined, none counted twice.
    overlap = real_run.query(
        """
        select
            count(*) as lines,
            count(*) filter (where quarantine_reason is null) as counted
        from int_order_lines_validated
        where source_name = 'online_retail_2010_2011'
            and ordered_at < timestamp '2010-12-10'
        """
    )
    lines, counted = overlap[0]
    assert lines == 22_523
    assert counted == 0


@pytest.fixture(scope="module")
def order_lines() -> pd.DataFrame:
    """Both UCI files with the project's column names, mapped here by hand."""
    return pd.concat(
        [
            canonical_lines(
                DATA_DIR / "online_retail_2009_2010.parquet",
                {
                    "customer_id": "Customer ID",
                    "order_id": "Invoice",
                    "unit_price": "Price",
                },
            ),
            canonical_lines(
                DATA_DIR / "online_retail_2010_2011.parquet",
                {
                    "customer_id": "CustomerID",
                    "order_id": "InvoiceNo",
                    "unit_price": "UnitPrice",
                },
            ),
        ],
        ignore_index=True,
    )


def assert_scores_match(actual: pd.DataFrame, expected: pd.DataFrame) -> None:
    """Same customers, and the same figures and scores (monetary to 1e-6)."""
    assert list(actual.index) == list(expected.index)
    for column in ["recency_days", "frequency", "r_score", "f_score", "m_score"]:
        mismatched = (actual[column] != expected[column].astype("int64")).sum()
        assert mismatched == 0, f"{column}: {mismatched} customers differ"
    assert (actual["monetary"] - expected["monetary"]).abs().max() < 1e-6


def test_scores_match_an_independent_pandas_implementation(real_run, order_lines):
    expected = rfm_scores_pandas(order_lines).set_index("customer_id").sort_index()
    actual = (
        pd.DataFrame(
            real_run.query(
                f"select {', '.join(RESULT_COLUMNS)} from customer_segments"
            ),
            columns=RESULT_COLUMNS,
        )
        .set_index("customer_id")
        .sort_index()
    )
    assert_scores_match(actual, expected)


def test_every_rfm_segment_is_populated_on_real_data(real_run):
    empty = real_run.query(
        "select segment_name from segment_summary where customers = 0"
    )
    assert empty == []


def test_campaign_budget_splits_by_playbook_weight_on_real_data(real_run):
    # Each plan (RFM segments, clusters, value tiers) spends the whole
    # default budget of 10,000, by weight x customers, to the cent; no
    # response data ships with the demo, so no response figures.
    segment_sizes = dict(
        real_run.query(
            "select segment_name, count(*) from customer_segments group by 1"
        )
    )
    ranks = dict(
        real_run.query("select segment_name, segment_rank from segment_summary")
    )
    rfm_weights = playbook_weights("rfm_segment")
    cluster_rows = real_run.query(
        "select cluster_name, coalesce(naming_rule, cluster_name), cluster_id"
        " from cluster_profiles"
    )
    cluster_sizes = dict(
        real_run.query(
            "select cluster_name, count(*) from customer_clusters group by 1"
        )
    )
    cluster_weights = playbook_weights("cluster", "rfm")
    # Value tiers: ranges of the CLV decile, from the seed people edit.
    with (PROJECT_DIR / "seeds" / "value_tiers.csv").open() as handle:
        tiers = list(csv.DictReader(handle))
    tier_sizes = {
        tier["tier_name"]: real_run.query(
            "select count(*) from customer_value_predictions"
            f" where value_decile between {int(tier['min_value_decile'])}"
            f" and {int(tier['max_value_decile'])}"
        )[0][0]
        for tier in tiers
    }
    tier_weights = playbook_weights("value_tier")
    expected = {
        "rfm_segment": budget_cents(
            10_000,
            {n: rfm_weights[n] * segment_sizes.get(n, 0) for n in ranks},
            ranks,
        ),
        "cluster": budget_cents(
            10_000,
            {
                name: cluster_weights[rule] * cluster_sizes[name]
                for name, rule, _ in cluster_rows
            },
            {name: cluster_id for name, _, cluster_id in cluster_rows},
        ),
        "value_tier": budget_cents(
            10_000,
            {name: tier_weights[name] * size for name, size in tier_sizes.items()},
            {tier["tier_name"]: int(tier["tier_rank"]) for tier in tiers},
        ),
    }
    rows = real_run.query(
        "select segment_type, segment_name, budget, response_rate,"
        " expected_responders, cost_per_expected_response from segment_budget"
    )
    assert len(rows) == len(ranks) + len(cluster_rows) + len(tiers)
    assert (
        len(ranks) == 11 and len(tiers) == 4 and len(cluster_rows) == len(cluster_sizes)
    )
    for kind, name, budget, rate, responders, cost in rows:
        assert budget * 100 == expected[kind][name], (kind, name)
        assert rate is responders is cost is None
    for kind in expected:
        assert sum(row[2] for row in rows if row[0] == kind) == 10_000
    rates = real_run.query(
        "select count(*), count(response_rate), count(response_rate_lower)"
        " from campaign_response_rates"
    )
    assert rates == [(len(rows), 0, 0)]


# --- Segments over time (models/marts/history/) -------------------------------

HISTORY_COLUMNS = [
    "customer_id",
    "as_of_date",
    "segment_name",
    "rfm_cell",
    "segment_rank",
    "r_score",
    "f_score",
    "m_score",
    "fm_score",
    "recency_days",
    "frequency",
    "repeat_frequency",
    "monetary",
    "gross_revenue",
    "returned_amount",
    "average_order_value",
    "tenure_days",
    "first_order_date",
    "last_order_date",
]


@pytest.fixture(scope="module")
def history(real_run) -> pd.DataFrame:
    return pd.DataFrame(
        real_run.query(
            f"select {', '.join(HISTORY_COLUMNS)} from customer_segment_history"
        ),
        columns=HISTORY_COLUMNS,
    )


def test_history_has_one_as_of_date_per_month_end_then_the_current_one(history):
    # Orders from 2009-12-01 to 2011-12-09: the state at the end of each
    # month from 2009-12 to 2011-11 (dated the 1st of the month after), then
    # the current as-of date.
    months = [dt.date(2010 + m // 12, m % 12 + 1, 1) for m in range(24)]
    assert sorted(history["as_of_date"].unique()) == [*months, dt.date(2011, 12, 10)]


def test_history_on_the_current_as_of_date_is_customer_segments(real_run, history):
    # Every customer, every figure, score and segment: the history's
    # per-date models must score exactly as the current models do.
    current = (
        pd.DataFrame(
            real_run.query(
                f"select {', '.join(HISTORY_COLUMNS)} from customer_segments"
            ),
            columns=HISTORY_COLUMNS,
        )
        .set_index("customer_id")
        .sort_index()
    )
    latest = (
        history[history["as_of_date"] == dt.date(2011, 12, 10)]
        .set_index("customer_id")
        .sort_index()
    )
    assert len(current) == 5878
    pd.testing.assert_frame_equal(latest, current, check_exact=True)


def test_history_at_a_past_date_matches_the_pandas_implementation(history, order_lines):
    # Only the lines dated before 2011-01-01 count, scored among the
    # customers of that date by the independent pandas implementation.
    expected = (
        rfm_scores_pandas(order_lines, as_of_date="2011-01-01")
        .set_index("customer_id")
        .sort_index()
    )
    actual = (
        history[history["as_of_date"] == dt.date(2011, 1, 1)]
        .set_index("customer_id")
        .sort_index()
    )
    assert len(actual) > 4000
    assert_scores_match(actual, expected)


def expected_transitions(history: pd.DataFrame) -> pd.DataFrame:
    """segment_transitions recomputed from the history with pandas."""
    frames = []
    dates = sorted(history["as_of_date"].unique())
    for earlier, later in zip(dates, dates[1:], strict=False):
        before = history[history["as_of_date"] == earlier].set_index("customer_id")
        after = history[history["as_of_date"] == later].set_index("customer_id")
        moves = before[["segment_name", "monetary"]].merge(
            after[["segment_name", "monetary"]],
            how="outer",
            left_index=True,
            right_index=True,
            suffixes=("_from", "_to"),
        )
        moves = moves.fillna(
            {
                "segment_name_from": "(new)",
                "segment_name_to": "(gone)",
                "monetary_from": 0.0,
                "monetary_to": 0.0,
            }
        )
        flows = (
            moves.groupby(["segment_name_from", "segment_name_to"])
            .agg(
                customers=("monetary_from", "size"),
                from_revenue=("monetary_from", "sum"),
                to_revenue=("monetary_to", "sum"),
            )
            .reset_index()
        )
        frames.append(flows.assign(from_as_of_date=earlier, to_as_of_date=later))
    return pd.concat(frames, ignore_index=True).rename(
        columns={
            "segment_name_from": "from_segment_name",
            "segment_name_to": "to_segment_name",
        }
    )


def test_transitions_match_the_history_and_conserve_customers(real_run, history):
    key = ["to_as_of_date", "from_segment_name", "to_segment_name"]
    actual = (
        pd.DataFrame(
            real_run.query(
                "select from_as_of_date, to_as_of_date, from_segment_name,"
                " to_segment_name, customers, from_revenue, to_revenue"
                " from segment_transitions"
            ),
            columns=[
                "from_as_of_date",
                "to_as_of_date",
                "from_segment_name",
                "to_segment_name",
                "customers",
                "from_revenue",
                "to_revenue",
            ],
        )
        .sort_values(key)
        .reset_index(drop=True)
    )
    expected = expected_transitions(history).sort_values(key).reset_index(drop=True)
    pd.testing.assert_frame_equal(
        actual[key + ["from_as_of_date", "customers"]],
        expected[key + ["from_as_of_date", "customers"]],
        check_dtype=False,
    )
    for column in ["from_revenue", "to_revenue"]:
        assert (actual[column] - expected[column]).abs().max() < 0.01, column
    # All history counts (no lookback_days): customers arrive, never leave.
    assert "(gone)" not in set(actual["to_segment_name"])
    assert actual.loc[actual["from_segment_name"] == "(new)", "customers"].sum() == (
        5878 - 955
    )
    # Conservation: flows out of a segment at the earlier date add up to its
    # size then; flows into it at the later date to its size then.
    sizes = history.groupby(["as_of_date", "segment_name"]).size()
    out_of = (
        actual[actual["from_segment_name"] != "(new)"]
        .groupby(["from_as_of_date", "from_segment_name"])["customers"]
        .sum()
    )
    into = (
        actual[actual["to_segment_name"] != "(gone)"]
        .groupby(["to_as_of_date", "to_segment_name"])["customers"]
        .sum()
    )
    first_date, last_date = min(history["as_of_date"]), max(history["as_of_date"])
    assert out_of.to_dict() == sizes.drop(last_date, level=0).to_dict()
    assert into.to_dict() == sizes.drop(first_date, level=0).to_dict()


def test_segment_drift_passes_on_the_demo_data(real_run, history):
    shares = (
        history.groupby(["as_of_date", "segment_name"]).size().unstack(fill_value=0)
    )
    shares = shares.div(shares.sum(axis=1), axis=0).clip(lower=0.0001)
    earlier, later = shares.iloc[-2], shares.iloc[-1]
    psi = float(((later - earlier) * np.log(later / earlier)).sum())
    assert psi < 0.1  # var segment_drift_psi_warn
    assert "PASS segment_share_drift_between_last_two_as_of_dates" in real_run.output


def test_alerts_follow_their_definitions_on_the_demo_data(real_run, history):
    # Recomputed with pandas from the history and the orders, with the
    # default thresholds: 90 / 180 days, AOV -20% over 90-day periods,
    # top segments Champions and Loyal.
    as_of, previous = dt.date(2011, 12, 10), dt.date(2011, 12, 1)
    now = history[history["as_of_date"] == as_of].set_index("customer_id")
    before = history[history["as_of_date"] == previous].set_index("customer_id")
    both = now.merge(
        before, how="left", left_index=True, right_index=True, suffixes=("", "_before")
    )
    alerts = pd.DataFrame(
        real_run.query(
            "select customer_id, alert_type, is_newly_raised, raised_on"
            " from customer_alerts"
        ),
        columns=["customer_id", "alert_type", "is_newly_raised", "raised_on"],
    )
    assert set(alerts["raised_on"]) == {as_of}

    def alerted(alert_type: str) -> dict[str, bool]:
        rows = alerts[alerts["alert_type"] == alert_type]
        return dict(zip(rows["customer_id"], rows["is_newly_raised"], strict=True))

    inactive = both[(both["recency_days"] > 90) & (both["recency_days"] <= 180)]
    was_inactive = (inactive["recency_days_before"] > 90) & (
        inactive["recency_days_before"] <= 180
    )
    assert alerted("inactive") == dict(zip(inactive.index, ~was_inactive, strict=True))
    lost = both[both["recency_days"] > 180]
    was_lost = lost["recency_days_before"] > 180
    assert alerted("lost") == dict(zip(lost.index, ~was_lost, strict=True))
    moved = both[
        both["segment_name_before"].isin(["Champions", "Loyal"])
        & (both["segment_rank"] > both["segment_rank_before"])
    ]
    assert alerted("moved_down_from_top_segment") == dict.fromkeys(moved.index, True)
    assert len(moved) > 0

    orders = pd.DataFrame(
        real_run.query(
            "select customer_id, is_purchase, cast(net_revenue as double),"
            " first_line_at, last_line_at from int_orders_aggregated"
        ),
        columns=["customer_id", "is_purchase", "net_revenue", "first", "last"],
    )
    end = pd.Timestamp(as_of)
    window = orders[
        (orders["last"] < end) & (orders["first"] >= end - pd.Timedelta(days=180))
    ]
    recent = window["first"] >= end - pd.Timedelta(days=90)
    per_period = (
        window.assign(recent=recent)
        .groupby(["customer_id", "recent"])
        .agg(orders=("is_purchase", "sum"), revenue=("net_revenue", "sum"))
    )
    periods = per_period.unstack("recent")
    aov = periods.dropna()
    aov = aov[
        (aov[("orders", True)] > 0)
        & (aov[("orders", False)] > 0)
        & (aov[("revenue", False)] > 0)
    ]
    change = (aov[("revenue", True)] / aov[("orders", True)]) / (
        aov[("revenue", False)] / aov[("orders", False)]
    ) - 1
    dropped = set(change[change < -0.2].index) & set(now.index)
    assert set(alerted("aov_dropped")) == dropped
    assert len(dropped) > 0


def half_away(value: Fraction, places: int) -> str:
    """`value` to `places` decimals, an exact half away from zero."""
    units = abs(value) * 10**places
    whole = int(units + Fraction(1, 2))
    text = f"{whole // 10**places}.{whole % 10**places:0{places}d}"
    return ("-" if value < 0 and whole else "") + text


def test_alert_reasons_state_the_figures_exactly_on_the_demo_data(real_run):
    # The figures of each AOV alert's text from the exact order revenues
    # (Fractions, no double): an amount that is an exact half cent rounds
    # away from zero, as on Spark.
    orders = real_run.query(
        "select customer_id, is_purchase, net_revenue::varchar,"
        " first_line_at >= date '2011-12-10' - 90"
        " from int_orders_aggregated where last_line_at < date '2011-12-10'"
        " and first_line_at >= date '2011-12-10' - 180"
    )
    periods: dict[tuple[str, bool], list] = {}
    for customer_id, is_purchase, revenue, is_recent in orders:
        figures = periods.setdefault((customer_id, is_recent), [0, Fraction(0)])
        figures[0] += int(is_purchase)
        figures[1] += Fraction(revenue)
    reasons = dict(
        real_run.query(
            "select customer_id, reason from customer_alerts"
            " where alert_type = 'aov_dropped'"
        )
    )
    for customer_id, reason in reasons.items():
        recent_orders, recent = periods[customer_id, True]
        prior_orders, prior = periods[customer_id, False]
        recent_aov, prior_aov = recent / recent_orders, prior / prior_orders
        assert reason == (
            f"Average order value {half_away(recent_aov, 2)} over {recent_orders}"
            " order(s) in the 90 days before 2011-12-10, down"
            f" {half_away(100 * (1 - recent_aov / prior_aov), 1)}% from"
            f" {half_away(prior_aov, 2)} over {prior_orders} order(s) in the 90"
            " days before those (alert above 20.0%)."
        )
    assert len(reasons) > 100
