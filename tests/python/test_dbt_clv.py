"""The CLV and churn models in the warehouse.

1. Hand-made orders: the purchase histories the models read (x, t_x, T,
   the repeat order value, the holdout purchases) and the churn per month,
   each worked out by hand below from the order lines.
2. The demo data (UCI Online Retail): the fit, the holdout validation,
   the forecast per segment and the budget split by predicted CLV; the
   predictions from stored parameters in SQL (the path of engines without
   Python models) against the Python ones; and fits that cannot be trusted
   stopping the build with the var to change.
3. Eleven months of the UCI orders: a calibration period shorter than the
   holdout, and a calibration fit that cannot tell how customers differ in
   dropping out, still build, predict and say so in the output.
"""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import duckdb
import numpy as np
import pytest
from campaign_expectations import playbook_weights
from dbt_project_runner import (
    PROJECT_DIR,
    DbtRun,
    demo_build,
    demo_input,
    run_dbt,
    selected_build,
)

from segmentation.clv import bgnbd, gamma_gamma
from segmentation.clv.histories import purchase_histories

# Quantity 1 and one line per order unless stated, so the price is the
# order's value. A3 also returns an item in the same order (net 40); B
# places two orders on one day and cancels B3 in a separate invoice C-B3;
# E's order E1 has a line before and one after the calibration date.
ORDERS_CSV = """customer_id,order_id,ordered_at,quantity,unit_price
A,A1,2023-10-01 10:00:00,1,100
A,A2,2023-11-01 10:00:00,1,100
A,A3,2024-01-15 10:00:00,1,50
A,A3,2024-01-15 10:05:00,-1,10
A,A4,2024-03-10 10:00:00,1,60
B,B1,2024-01-20 09:00:00,1,30
B,B2,2024-01-20 15:00:00,1,30
B,B3,2024-03-05 10:00:00,1,10
B,C-B3,2024-03-06 10:00:00,-1,10
C,P1,2024-03-15 10:00:00,1,25
D,D1,2023-06-01 10:00:00,1,20
E,E2,2023-12-01 10:00:00,1,70
E,E1,2024-01-31 23:00:00,1,35
E,E1,2024-02-01 01:00:00,1,35
"""
AS_OF = date(2024, 4, 1)
CALIBRATION = date(2024, 2, 1)  # AS_OF - 60 days (2024 is a leap year)
HISTORY_DATES = [date(2024, 2, 1), date(2024, 3, 1)]
SMALL_SELECT = selected_build(
    "+int_customers_purchases_summarised", "+segment_churn_alerts"
)


def days(later: date, earlier: date) -> int:
    return (later - earlier).days


@pytest.fixture(scope="module")
def small_run(tmp_path_factory: pytest.TempPathFactory) -> DbtRun:
    work_dir = tmp_path_factory.mktemp("clv_small")
    (work_dir / "orders.csv").write_text(ORDERS_CSV)
    run = run_dbt(
        work_dir,
        "build",
        {
            "order_inputs": [{"name": "orders", "path": str(work_dir / "orders.csv")}],
            "as_of_date": AS_OF.isoformat(),
            "clv_holdout_days": 60,
            "history_as_of_dates": [d.isoformat() for d in HISTORY_DATES],
            "alert_inactive_days": 30,
            "alert_lost_days": 60,
            "churn_alert_min_customers": 1,
            "clustering_enabled": False,
        },
        extra_args=SMALL_SELECT,
    )
    assert run.returncode == 0, run.output
    return run


def test_the_date_arithmetic_used_below():
    assert days(AS_OF, CALIBRATION) == 60
    assert days(date(2024, 3, 10), date(2023, 10, 1)) == 161
    assert days(AS_OF, date(2023, 10, 1)) == 183
    assert days(date(2024, 1, 15), date(2023, 10, 1)) == 106
    assert days(CALIBRATION, date(2023, 10, 1)) == 123
    assert days(date(2024, 2, 1), date(2023, 12, 1)) == 62


def test_purchase_histories_count_orders_as_customer_segments(small_run):
    rows = small_run.query(
        "select sample_name, customer_id, repeat_purchases, first_to_last_days,"
        " customer_age_days, round(repeat_order_value_mean, 6),"
        " holdout_purchases, cutoff_date"
        " from int_customers_purchases_summarised order by sample_name desc, 2"
    )
    assert rows == [
        # As of 2024-04-01. A: 4 orders, repeats 100, 40 (50 less a 10
        # return in the order), 60. B: B2 is a repeat on B1's day; the
        # cancellation C-B3 is no purchase and is not subtracted.
        ("current", "A", 3, 161, 183, round(200 / 3, 6), None, AS_OF),
        (
            "current",
            "B",
            2,
            days(date(2024, 3, 5), date(2024, 1, 20)),
            days(AS_OF, date(2024, 1, 20)),
            20.0,
            None,
            AS_OF,
        ),
        ("current", "C", 0, 0, 17, None, None, AS_OF),
        ("current", "D", 0, 0, days(AS_OF, date(2023, 6, 1)), None, None, AS_OF),
        # E1's last line is dated 2024-02-01: its last purchase date.
        ("current", "E", 1, 62, days(AS_OF, date(2023, 12, 1)), 70.0, None, AS_OF),
        # As of 2024-02-01, with the purchases of the 60 days after. C had
        # not bought yet; E1 was not finished (a line on 02-01).
        ("calibration", "A", 2, 106, 123, 70.0, 1, CALIBRATION),
        ("calibration", "B", 1, 0, 12, 30.0, 1, CALIBRATION),
        (
            "calibration",
            "D",
            0,
            0,
            days(CALIBRATION, date(2023, 6, 1)),
            None,
            0,
            CALIBRATION,
        ),
        ("calibration", "E", 0, 0, 62, None, 1, CALIBRATION),
    ]


def test_churn_per_month_follows_the_customers_active_before(small_run):
    # Active = a purchase in the 30 days before the date. 2024-02-01: A
    # (01-15) and B (01-20) active. 2024-03-01: A (46 days) and B (41)
    # inactive, E active (02-01). 2024-04-01: E (60 days) inactive.
    rows = small_run.query(
        "select previous_as_of_date, as_of_date, active_customers,"
        " churned_customers, period_days, monthly_churn_rate,"
        " is_above_threshold from segment_churn where is_all_customers"
        " order by as_of_date"
    )
    assert rows == [
        (date(2024, 2, 1), date(2024, 3, 1), 2, 2, 29, 1.0 * 30.4375 / 29, True),
        (date(2024, 3, 1), date(2024, 4, 1), 1, 1, 31, 1.0 * 30.4375 / 31, True),
    ]
    per_segment = small_run.query(
        "select as_of_date, sum(active_customers), sum(churned_customers)"
        " from segment_churn where not is_all_customers group by 1 order by 1"
    )
    assert per_segment == [(date(2024, 3, 1), 2, 2), (date(2024, 4, 1), 1, 1)]
    alerts = small_run.query(
        "select segment_name, reason, metric_value, threshold_value,"
        " is_newly_raised, raised_on from segment_churn_alerts"
        " where is_all_customers"
    )
    assert len(alerts) == 1
    name, reason, metric, threshold, newly, raised_on = alerts[0]
    assert name == "(all customers)"
    assert metric == pytest.approx(30.4375 / 31) and threshold == 0.05
    # 100 x 30.4375 / 31 = 98.185...: the percentage from the counts.
    assert reason.startswith("Churn 98.2% a month: 1 of the 1 customers active on")
    assert "1 of the 1 customers active on 2024-03-01" in reason
    assert "var churn_alert_monthly_rate = 0.05" in reason
    # Above the threshold in the period before too: not new.
    assert (newly, raised_on) == (False, AS_OF)


# --- The demo data ----------------------------------------------------------


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A work dir holding a copy of the build of the demo data with default
    vars (demo_build), for runs that change some of its models."""
    work_dir = tmp_path_factory.mktemp("clv_demo")
    shutil.copy(demo_build(tmp_path_factory).db_path, work_dir / "warehouse.duckdb")
    return work_dir


@pytest.fixture(scope="module")
def demo(demo_dir: Path) -> DbtRun:
    return DbtRun(0, "", demo_dir / "warehouse.duckdb")


def parameters(run: DbtRun, model: str) -> dict[str, float]:
    return dict(
        run.query(
            f"select parameter, value from clv_model_parameters where model = '{model}'"
        )
    )


def test_the_demo_fit_is_complete_and_plausible(demo):
    bg, gg = parameters(demo, "bg_nbd"), parameters(demo, "gamma_gamma")
    customers = demo.query("select count(*) from customer_segments")[0][0]
    assert bg["customers"] == customers
    assert (
        bg["repeat_customers"]
        == demo.query("select count(*) from customer_segments where frequency > 1")[0][
            0
        ]
    )
    # A purchase every r / alpha days while alive: weeks to months.
    assert 7 < bg["alpha"] / bg["r"] < 365
    assert 0 < bg["a"] / (bg["a"] + bg["b"]) < 0.5
    assert gg["q"] > 1 and gg["customers"] <= bg["repeat_customers"]
    assert parameters(demo, "clv") == {
        "horizon_days": 365.0,
        "annual_discount_rate": 0.1,
    }
    # The log-likelihood is that of the published parameters on the inputs.
    x, t_x, age = zip(
        *demo.query(
            "select repeat_purchases, first_to_last_days, customer_age_days"
            " from customer_value_predictions"
        ),
        strict=True,
    )
    fitted = bgnbd.BgNbdParameters(bg["r"], bg["alpha"], bg["a"], bg["b"])
    assert bgnbd.log_likelihood(
        fitted, purchase_histories(x, t_x, age)
    ) == pytest.approx(bg["log_likelihood"], rel=1e-9)


def test_the_holdout_validation_adds_up_and_predicts(demo):
    rows = demo.query(
        "select frequency_bucket, customers, predicted_purchases,"
        " actual_purchases, purchase_error_share, correlation, is_total"
        " from clv_holdout_validation order by bucket_order"
    )
    assert [row[0] for row in rows] == ["0", "1", "2", "3", "4", "5", "6", "7+", "all"]
    buckets, total = rows[:-1], rows[-1]
    for column in (1, 2, 3):
        assert sum(row[column] for row in buckets) == pytest.approx(total[column])
    calibration = parameters(demo, "bg_nbd_calibration")
    assert total[1] == calibration["customers"]
    assert calibration["holdout_days"] == 180
    # The actual purchases are orders placed in the last 180 days by
    # customers who had bought before them.
    assert (
        total[3]
        == demo.query(
            "select count(*) from int_orders_aggregated as o"
            " where o.is_purchase and o.last_line_at >= date '2011-12-10' - 180"
            " and o.customer_id in (select customer_id from int_orders_aggregated"
            "   where is_purchase and last_line_at < date '2011-12-10' - 180)"
        )[0][0]
    )
    # What the model must achieve on the demo data: the total within 15%,
    # customers ranked well.
    assert abs(total[4]) < 0.15
    assert total[5] > 0.7
    # The correlation is Pearson's, as numpy computes it from the customers.
    predicted, actual = zip(
        *demo.query(
            "select p.predicted_holdout_purchases, s.holdout_purchases"
            " from int_customers_holdout_predicted as p"
            " inner join int_customers_purchases_summarised as s"
            " on s.customer_id = p.customer_id and s.sample_name = 'calibration'"
        ),
        strict=True,
    )
    assert total[5] == pytest.approx(np.corrcoef(predicted, actual)[0, 1], rel=1e-12)
    # More past purchases, more future ones, predicted and actual alike.
    means = demo.query(
        "select mean_predicted_purchases, mean_actual_purchases"
        " from clv_holdout_validation where not is_total order by bucket_order"
    )
    for column in (0, 1):
        assert means[0][column] < means[3][column] < means[7][column]


def test_the_forecast_per_segment_adds_up_to_the_customers(demo):
    totals = demo.query(
        "select count(*), sum(predicted_clv), sum(expected_purchases),"
        " count(*) filter (where is_likely_lost) from customer_value_predictions"
    )[0]
    for segment_type in ("rfm_segment", "cluster"):
        got = demo.query(
            "select sum(customers), sum(predicted_clv_total),"
            " sum(expected_purchases), sum(likely_lost_customers),"
            " sum(predicted_clv_share) from segment_value_forecast"
            f" where segment_type = '{segment_type}'"
        )[0]
        assert got[0] == totals[0] and got[3] == totals[3]
        assert got[1] == pytest.approx(totals[1], rel=1e-9)
        assert got[2] == pytest.approx(totals[2], rel=1e-9)
        assert got[4] == pytest.approx(1.0)
    # Likely lost: P(alive) below 0.5, and only customers who bought again
    # (without a repeat purchase P(alive) is 1).
    assert demo.query(
        "select count(*) from customer_value_predictions"
        " where is_likely_lost and (p_alive >= 0.5 or repeat_purchases = 0)"
    ) == [(0,)]
    deciles = demo.query(
        "select value_decile, min(predicted_clv), max(predicted_clv), count(*)"
        " from customer_value_predictions group by 1 order by 1"
    )
    assert [row[0] for row in deciles] == list(range(1, 11))
    for lower, upper in zip(deciles, deciles[1:], strict=False):
        assert lower[2] <= upper[1]


def test_the_budget_can_follow_predicted_value(demo_dir, demo):
    run = run_dbt(
        demo_dir,
        "build",
        {"campaign_budget_basis": "predicted_clv"},
        extra_args=["--select", "segment_budget"],
    )
    assert run.returncode == 0, run.output
    value = dict(
        run.query(
            "select segment_name, sum(predicted_clv) from customer_value_predictions"
            " group by 1"
        )
    )
    weights = playbook_weights("rfm_segment")
    weighted = {name: float(weights[name]) * clv for name, clv in value.items()}
    budgets = dict(
        run.query(
            "select segment_name, budget from segment_budget"
            " where segment_type = 'rfm_segment'"
        )
    )
    assert sum(budgets.values()) == 10_000
    for name, budget in budgets.items():
        share = weighted.get(name, 0.0) / sum(weighted.values())
        assert float(budget) == pytest.approx(10_000 * share, abs=0.011), name


def test_predictions_from_stored_parameters_in_sql_match_python(demo, tmp_path):
    # What engines without Python models do: P(alive) and the expected
    # order value from var clv_parameters, in SQL. On a copy: this replaces
    # customer_value_predictions.
    shutil.copy(demo.db_path, tmp_path / "warehouse.duckdb")
    python = dict(
        demo.query(
            "select customer_id, (p_alive, expected_order_value)"
            " from customer_value_predictions"
        )
    )
    bg, gg = parameters(demo, "bg_nbd"), parameters(demo, "gamma_gamma")
    stored = {
        "bg_nbd": {name: bg[name] for name in ("r", "alpha", "a", "b")},
        "gamma_gamma": {name: gg[name] for name in ("p", "q", "v")},
    }
    run = run_dbt(
        tmp_path,
        "build",
        {"clv_predict_in_sql": True, "clv_parameters": stored},
        extra_args=[
            "--select",
            "int_customers_value_scored",
            "customer_value_predictions",
            "clv_model_parameters",
            "segment_value_forecast",
        ],
    )
    assert run.returncode == 0, run.output
    rows = run.query(
        "select customer_id, p_alive, expected_order_value, expected_purchases,"
        " predicted_clv, value_decile from customer_value_predictions"
    )
    assert len(rows) == len(python)
    for customer_id, p_alive, order_value, purchases, clv, decile in rows:
        assert p_alive == pytest.approx(python[customer_id][0], abs=1e-9)
        assert order_value == pytest.approx(python[customer_id][1], rel=1e-9)
        assert purchases is clv is decile is None
    assert parameters(run, "bg_nbd") == stored["bg_nbd"]
    assert {row[0] for row in run.query("select source from clv_model_parameters")} == {
        "var clv_parameters"
    }


# Parameters at the ends of the ridges a fit can take (docs/clv.md): b, r
# and p held at the bound of the search, the others as fits ending there
# gave them (in days and currency units).
RIDGE_ENDS = {
    "bg_nbd": {"r": 1e6, "alpha": 1.9e8, "a": 2014.27, "b": 1e6},
    "gamma_gamma": {"p": 1e6, "q": 1e6, "v": 19.5},
}


def test_predictions_in_sql_match_python_at_the_ends_of_the_ridges(demo, tmp_path):
    # The SQL macros at parameters six orders of magnitude apart, against
    # the package's own formulas on the same histories.
    shutil.copy(demo.db_path, tmp_path / "warehouse.duckdb")
    run = run_dbt(
        tmp_path,
        "run",
        {"clv_predict_in_sql": True, "clv_parameters": RIDGE_ENDS},
        extra_args=["--select", "int_customers_value_scored"],
    )
    assert run.returncode == 0, run.output
    x, t_x, age, m, p_alive, order_value = (
        np.array(column, dtype=np.float64)
        for column in zip(
            *run.query(
                "select repeat_purchases, first_to_last_days, customer_age_days,"
                " repeat_order_value_mean, p_alive, expected_order_value"
                " from int_customers_value_scored order by customer_id"
            ),
            strict=True,
        )
    )
    np.testing.assert_allclose(
        p_alive,
        bgnbd.probability_alive(
            bgnbd.BgNbdParameters(**RIDGE_ENDS["bg_nbd"]), x, t_x, age
        ),
        rtol=1e-9,
        atol=1e-12,
    )
    np.testing.assert_allclose(
        order_value,
        gamma_gamma.expected_order_value(
            gamma_gamma.GammaGammaParameters(**RIDGE_ENDS["gamma_gamma"]), x, m
        ),
        rtol=1e-9,
    )
    # Not all alike: the figures tell customers apart even at these ends.
    assert len(np.unique(np.round(p_alive, 6))) > 100


def test_predictions_in_sql_without_stored_parameters_name_the_var(demo_dir, demo):
    run = run_dbt(
        demo_dir,
        "build",
        {"clv_predict_in_sql": True},
        extra_args=[
            "--select",
            "int_customers_value_scored",
            "customer_value_predictions",
        ],
    )
    assert run.returncode != 0
    assert "need var clv_parameters" in run.output


# The CLV vars reach the Python models through their config, so each set of
# them is a parse of the project of its own. The holdout's check is in SQL
# (the histories) and the discount rate's in Python (the fit's settings):
# one set holds both, and each run selects the model whose check it shows.
HISTORIES = "int_customers_purchases_summarised"
BAD_HOLDOUT_AND_RATE = {"clv_holdout_days": 3000, "clv_annual_discount_rate": 1.5}


@pytest.mark.parametrize(
    ("dbt_vars", "models", "expected"),
    [
        (
            {"clv_min_repeat_customers": 100_000},
            [HISTORIES, "int_clv_parameters"],
            "customers with a repeat purchase, fewer than the 100,000 the fit "
            "needs. var clv_min_repeat_customers is 100000",
        ),
        (
            {"clv_max_iterations": 10},
            [HISTORIES, "int_clv_parameters"],
            "iteration limit 10 reached",
        ),
        (
            BAD_HOLDOUT_AND_RATE,
            [HISTORIES, "int_clv_parameters"],
            "var clv_holdout_days = 3000 moves the as-of date back to",
        ),
        # The histories of the demo build, with the default holdout.
        (
            BAD_HOLDOUT_AND_RATE,
            ["int_clv_parameters"],
            "var clv_annual_discount_rate is 1.5",
        ),
    ],
)
def test_a_fit_that_cannot_be_trusted_stops_the_build_naming_the_var(
    demo_dir, demo, dbt_vars, models, expected
):
    run = run_dbt(demo_dir, "run", dbt_vars, extra_args=["--select", *models])
    assert run.returncode != 0
    assert expected in " ".join(run.output.split()), run.output[-3000:]


def test_no_prediction_is_nan(demo):
    assert demo.query(
        "select count(*) from customer_value_predictions where isnan(p_alive)"
        " or isnan(expected_purchases) or isnan(expected_order_value)"
        " or isnan(predicted_clv)"
    ) == [(0,)]
    assert np.isfinite(
        demo.query("select max(predicted_clv) from customer_value_predictions")[0][0]
    )


# --- Eleven months of real orders ------------------------------------------

UCI_2010_2011 = PROJECT_DIR / "data" / "online_retail_2010_2011.parquet"
SHORT_HISTORY_END = "2011-11-20"
SHORT_HISTORY_SELECT = selected_build(
    "+clv_holdout_validation", "+clv_model_parameters"
)


@pytest.fixture(scope="module")
def short_history(tmp_path_factory: pytest.TempPathFactory) -> DbtRun:
    """The UCI order lines dated before 2011-11-20 (2010-12-01 on: 353 days
    of history), built with the default CLV settings: the validation's
    calibration date falls 180 days back, 173 days after the first order."""
    work_dir = tmp_path_factory.mktemp("clv_short_history")
    lines = work_dir / "orders.parquet"
    with duckdb.connect() as con:
        con.execute(
            f"copy (select * from read_parquet('{UCI_2010_2011}')"
            f" where InvoiceDate < '{SHORT_HISTORY_END}') to '{lines}'"
        )
    columns = demo_input("online_retail_2010_2011")["columns"]
    return run_dbt(
        work_dir,
        "build",
        {
            "order_inputs": [{"name": "uci", "path": str(lines), "columns": columns}],
            # Not what is tested, and the longest step of a build.
            "clustering_enabled": False,
        },
        extra_args=SHORT_HISTORY_SELECT,
    )


def test_a_short_real_history_builds_and_validates_with_default_settings(
    short_history,
):
    assert short_history.returncode == 0, short_history.output[-5000:]
    predicted = short_history.query(
        "select count(*), count(*) filter (where isfinite("
        "predicted_holdout_purchases)) from int_customers_holdout_predicted"
    )
    assert predicted == [(2_660, 2_660)]
    total = short_history.query(
        "select customers, predicted_purchases, actual_purchases,"
        " purchase_error_share from clv_holdout_validation where is_total"
    )[0]
    # Every customer of the calibration sample, and the purchase orders
    # they placed in the 180 days, counted here from the orders.
    assert total[0] == 2_660
    assert (
        total[2]
        == short_history.query(
            "select count(*) from int_orders_aggregated where is_purchase"
            " and last_line_at >= date '2011-11-19' - 180"
            " and customer_id in (select customer_id from int_orders_aggregated"
            "   where is_purchase and last_line_at < date '2011-11-19' - 180)"
        )[0][0]
    )
    # A model that predicts, not merely a number.
    assert abs(total[3]) < 0.15


def test_a_short_real_history_says_what_limits_its_validation(short_history):
    output = " ".join(short_history.output.split())
    assert (
        "reach back at most 173 days before the calibration date, fewer than "
        "the 180 days they predict (var clv_holdout_days = 180)"
    ) in output
    assert "var clv_holdout_days of at most 176" in output
    assert (
        "the histories of the calibration date (bg_nbd_calibration) do not "
        "tell how much customers differ in their chance of dropping out"
    ) in output
    # The fit on all 353 days does tell.
    assert "the histories of the as-of date do not tell" not in output
