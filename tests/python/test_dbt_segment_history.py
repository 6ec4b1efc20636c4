"""Segments over time on hand-made orders: the segment history at three
as-of dates, the transitions between them, the lifecycle alerts, the drift
test and the snapshot. Every expected figure is worked out by hand below
from the order lines; none is read back from the build. The history is
built twice: with a window of var lookback_days (orders leave it again) and
with all history counted (running totals that only grow), the two ways the
dated RFM chain computes its figures.

One module-scoped build (clustering off, only the models these checks need
and what they are built from), in a non-UTC time zone to show the
snapshot's timestamps are UTC anyway. One further dbt call, on the same
file and with the same vars so that dbt reuses its parse (the checks of the
build read a copy), shows the drift test failing on a constructed shift and
the snapshot recording changes.
"""

from __future__ import annotations

import math
import shutil
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import duckdb
import pytest
from dbt_project_runner import DbtRun, cautious_selection, run_dbt, selected_build

# Seven customers, one line per order (quantity 1, so the price is the
# order's value), all at 10:00. 'C-G4' is a return (order ids starting
# with 'C' are cancellations or returns, so C's order is 'X1').
ORDERS_CSV = """customer_id,order_id,ordered_at,quantity,unit_price
A,A1,2023-10-01 10:00:00,1,100
A,A2,2023-11-01 10:00:00,1,100
A,A3,2023-12-01 10:00:00,1,100
A,A4,2024-02-20 10:00:00,1,40
B,B1,2023-06-01 10:00:00,1,30
B,B2,2023-12-15 10:00:00,1,30
C,X1,2023-09-01 10:00:00,1,500
D,D1,2023-02-15 10:00:00,1,20
E,E1,2024-03-28 10:00:00,1,10
F,F1,2023-03-15 10:00:00,1,20
G,G1,2023-08-01 10:00:00,1,50
G,G2,2024-01-10 10:00:00,1,50
G,G3,2024-03-25 10:00:00,1,50
G,C-G4,2024-03-26 10:00:00,-1,10
"""

D1, D2, D3 = date(2024, 1, 1), date(2024, 3, 1), date(2024, 4, 1)
# UTC+14: a snapshot time taken in local time would be 14 hours off.
NON_UTC_TZ = "Pacific/Kiritimati"
DRIFT_TEST = "segment_share_drift_between_last_two_as_of_dates"
# The history marts, the snapshot and what they are built from.
SELECT = selected_build(
    "+customer_alerts", "+segment_transitions", "+customer_segments_snapshot"
)


def history_vars(csv_path: Path) -> dict:
    return {
        "order_inputs": [{"name": "history_orders", "path": str(csv_path)}],
        "as_of_date": D3.isoformat(),
        # Windows: D1 from 2023-01-01, D2 from 2023-03-02, D3 from 2023-04-02
        # (2024 is a leap year).
        "lookback_days": 365,
        "history_as_of_dates": [D1.isoformat(), D2.isoformat()],
        "clustering_enabled": False,
    }


@pytest.fixture(scope="module")
def work_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("segment_history")
    (path / "orders.csv").write_text(ORDERS_CSV)
    return path


@pytest.fixture(scope="module")
def history_run(work_dir: Path) -> DbtRun:
    """The build, read from a copy of its file (changed_run changes the
    file itself)."""
    run = run_dbt(
        work_dir,
        "build",
        history_vars(work_dir / "orders.csv"),
        extra_args=SELECT,
        extra_env={"TZ": NON_UTC_TZ},
    )
    assert run.returncode == 0, run.output
    # Same file name: the compiled SQL names the catalog after it.
    copy = work_dir / "as_built" / run.db_path.name
    copy.parent.mkdir()
    shutil.copy(run.db_path, copy)
    return DbtRun(run.returncode, run.output, copy)


def drift_test_sql(work_dir: Path) -> str:
    """The drift test's compiled SQL: its failing rows, thresholds filled in."""
    compiled_dir = work_dir / "target" / "compiled"
    return next(compiled_dir.rglob(f"{DRIFT_TEST}*.sql")).read_text()


def utc_now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def test_the_window_arithmetic_used_below():
    # recency = days from the last purchase to the as-of date.
    assert D1 - timedelta(days=365) == date(2023, 1, 1)
    assert D2 - timedelta(days=365) == date(2023, 3, 2)
    assert D3 - timedelta(days=365) == date(2023, 4, 2)
    assert (D1 - date(2023, 2, 15)).days == 320
    assert (D2 - date(2023, 3, 15)).days == 352
    assert (D3 - date(2023, 9, 1)).days == 213
    assert D3 - timedelta(days=90) == date(2024, 1, 2)
    assert D3 - timedelta(days=180) == date(2023, 10, 4)
    assert D2 - timedelta(days=90) == date(2023, 12, 2)
    assert D2 - timedelta(days=180) == date(2023, 9, 3)


def test_as_of_dates_are_the_var_dates_then_the_current_one(history_run):
    assert history_run.query(
        "select as_of_date::varchar, previous_as_of_date::varchar,"
        " window_start_date::varchar, is_current_as_of_date"
        " from int_history_as_of_dates_resolved order by as_of_date"
    ) == [
        ("2024-01-01", None, "2023-01-01", False),
        ("2024-03-01", "2024-01-01", "2023-03-02", False),
        ("2024-04-01", "2024-03-01", "2023-04-02", True),
    ]


def test_history_figures_scores_and_segments_match_the_hand_computed_ones(
    history_run,
):
    # NTILE(5) over 6 customers: buckets of 2, 1, 1, 1, 1; over 5: one each.
    # Ties (rfm_tie_policy 'value') share the lowest bucket among them.
    # FM = floor((F + M + 1) / 2); segments from seed segment_rules.
    #
    # 2024-01-01 (orders before it, from 2023-01-01 on): A, B, C, D, F, G.
    #   R by recency desc: D 320, F 292 | G 153 | C 122 | A 31 | B 17.
    #   F by frequency: C, D, F, G (1: buckets 1, 1, 2, 3 -> all 1), B (2) 4,
    #     A (3) 5.   M by monetary: D 20, F 20 | G 50 | B 60 | A 300 | C 500.
    # 2024-03-01 (from 2023-03-02: D's only order drops out): A, B, C, F, G.
    #   R: F 352, C 182, B 77, G 51, A 10.   F: C, F (1) -> 1; B, G (2) -> 3;
    #   A (4) 5.   M: F 20, B 60, G 100, A 340, C 500.
    # 2024-04-01 (from 2023-04-02: F drops out, E arrives): A, B, C, E, G.
    #   R: C 213, B 108, A 41, G 7, E 4.   F: C, E (1) -> 1; B (2) 3; G (3) 4;
    #   A (4) 5.   M: E 10, B 60, G 140 (150 bought, 10 returned), A 340,
    #   C 500.
    rows = history_run.query(
        "select as_of_date::varchar, customer_id, recency_days, frequency,"
        " monetary, rfm_cell, fm_score, segment_name"
        " from customer_segment_history order by as_of_date, customer_id"
    )
    assert rows == [
        ("2024-01-01", "A", 31, 3, 300.0, "454", 5, "Champions"),
        ("2024-01-01", "B", 17, 2, 60.0, "543", 4, "Champions"),
        ("2024-01-01", "C", 122, 1, 500.0, "315", 3, "Need Attention"),
        ("2024-01-01", "D", 320, 1, 20.0, "111", 1, "Lost"),
        ("2024-01-01", "F", 292, 1, 20.0, "111", 1, "Lost"),
        ("2024-01-01", "G", 153, 1, 50.0, "212", 2, "Hibernating"),
        ("2024-03-01", "A", 10, 4, 340.0, "554", 5, "Champions"),
        ("2024-03-01", "B", 77, 2, 60.0, "332", 3, "Need Attention"),
        ("2024-03-01", "C", 182, 1, 500.0, "215", 3, "At Risk"),
        ("2024-03-01", "F", 352, 1, 20.0, "111", 1, "Lost"),
        ("2024-03-01", "G", 51, 2, 100.0, "433", 3, "Potential Loyalist"),
        ("2024-04-01", "A", 41, 4, 340.0, "354", 5, "Loyal"),
        ("2024-04-01", "B", 108, 2, 60.0, "232", 3, "At Risk"),
        ("2024-04-01", "C", 213, 1, 500.0, "115", 3, "At Risk"),
        ("2024-04-01", "E", 4, 1, 10.0, "511", 1, "New"),
        ("2024-04-01", "G", 7, 3, 140.0, "443", 4, "Loyal"),
    ]


@pytest.fixture(scope="module")
def all_history_run(tmp_path_factory: pytest.TempPathFactory) -> DbtRun:
    """The same orders and dates with all history counted (no lookback)."""
    work_dir = tmp_path_factory.mktemp("segment_history_all")
    (work_dir / "orders.csv").write_text(ORDERS_CSV)
    dbt_vars = {**history_vars(work_dir / "orders.csv"), "lookback_days": None}
    selection = cautious_selection("+customer_segment_history", "+customer_segments")
    run = run_dbt(
        work_dir,
        "build",
        dbt_vars,
        extra_args=[*selection, "--exclude", "resource_type:unit_test"],
    )
    assert run.returncode == 0, run.output
    return run


def test_with_all_history_counted_figures_only_grow(all_history_run):
    # Without a window nobody leaves: D and F stay, recency keeps growing.
    # 2024-01-01 is as above (its window held every order).
    # 2024-03-01, six customers (buckets 2, 1, 1, 1, 1):
    #   R: D 380, F 352 | C 182 | B 77 | G 51 | A 10.
    #   F: C, D, F (1) -> 1; B, G (2, positions 4-5) -> 3; A (4) 5.
    #   M: D, F 20 -> 1 | B 60 | G 100 | A 340 | C 500.
    # 2024-04-01, seven customers (buckets 2, 2, 1, 1, 1):
    #   R: D 411, F 383 | C 213, B 108 | A 41 | G 7 | E 4.
    #   F: C, D, E, F (1) -> 1; B (2, position 5) 3; G (3) 4; A (4) 5.
    #   M: E 10 | D, F 20 (positions 2-3) -> 1 | B 60 | G 140 | A 340 | C 500.
    rows = all_history_run.query(
        "select as_of_date::varchar, customer_id, recency_days, frequency,"
        " monetary, rfm_cell, fm_score, segment_name"
        " from customer_segment_history where as_of_date > '2024-01-01'"
        " order by as_of_date, customer_id"
    )
    assert rows == [
        ("2024-03-01", "A", 10, 4, 340.0, "554", 5, "Champions"),
        ("2024-03-01", "B", 77, 2, 60.0, "332", 3, "Need Attention"),
        ("2024-03-01", "C", 182, 1, 500.0, "215", 3, "At Risk"),
        ("2024-03-01", "D", 380, 1, 20.0, "111", 1, "Lost"),
        ("2024-03-01", "F", 352, 1, 20.0, "111", 1, "Lost"),
        ("2024-03-01", "G", 51, 2, 100.0, "433", 3, "Potential Loyalist"),
        ("2024-04-01", "A", 41, 4, 340.0, "354", 5, "Loyal"),
        ("2024-04-01", "B", 108, 2, 60.0, "232", 3, "At Risk"),
        ("2024-04-01", "C", 213, 1, 500.0, "215", 3, "At Risk"),
        ("2024-04-01", "D", 411, 1, 20.0, "111", 1, "Lost"),
        ("2024-04-01", "E", 4, 1, 10.0, "511", 1, "New"),
        ("2024-04-01", "F", 383, 1, 20.0, "111", 1, "Lost"),
        ("2024-04-01", "G", 7, 3, 140.0, "443", 4, "Loyal"),
    ]
    january = all_history_run.query(
        "select customer_id, rfm_cell from customer_segment_history"
        " where as_of_date = '2024-01-01' order by customer_id"
    )
    assert january == [
        ("A", "454"),
        ("B", "543"),
        ("C", "315"),
        ("D", "111"),
        ("F", "111"),
        ("G", "212"),
    ]
    current = all_history_run.query(
        "select customer_id, rfm_cell, segment_name from customer_segments"
        " order by customer_id"
    )
    assert current == [row[1:2] + row[5:6] + row[7:] for row in rows[6:]]


def test_the_current_as_of_date_of_the_history_is_customer_segments(history_run):
    columns = "customer_id, recency_days, frequency, monetary, rfm_cell, segment_name"
    current = history_run.query(
        f"select {columns} from customer_segments order by customer_id"
    )
    history = history_run.query(
        f"select {columns} from customer_segment_history"
        " where is_current_as_of_date order by customer_id"
    )
    assert history == current
    assert [row[0] for row in current] == ["A", "B", "C", "E", "G"]


def test_transitions_between_consecutive_dates(history_run):
    # From the segments above; revenue = monetary at the earlier / later date.
    rows = history_run.query(
        "select to_as_of_date::varchar, from_segment_name, to_segment_name,"
        " customers, from_revenue, to_revenue, sankey_source, sankey_target,"
        " sankey_value from segment_transitions"
        " order by to_as_of_date, from_segment_name, to_segment_name"
    )
    flows = [row[:6] for row in rows]
    assert flows == [
        ("2024-03-01", "Champions", "Champions", 1, 300.0, 340.0),  # A
        ("2024-03-01", "Champions", "Need Attention", 1, 60.0, 60.0),  # B
        ("2024-03-01", "Hibernating", "Potential Loyalist", 1, 50.0, 100.0),  # G
        ("2024-03-01", "Lost", "(gone)", 1, 20.0, 0.0),  # D
        ("2024-03-01", "Lost", "Lost", 1, 20.0, 20.0),  # F
        ("2024-03-01", "Need Attention", "At Risk", 1, 500.0, 500.0),  # C
        ("2024-04-01", "(new)", "New", 1, 0.0, 10.0),  # E
        ("2024-04-01", "At Risk", "At Risk", 1, 500.0, 500.0),  # C
        ("2024-04-01", "Champions", "Loyal", 1, 340.0, 340.0),  # A
        ("2024-04-01", "Lost", "(gone)", 1, 20.0, 0.0),  # F
        ("2024-04-01", "Need Attention", "At Risk", 1, 60.0, 60.0),  # B
        ("2024-04-01", "Potential Loyalist", "Loyal", 1, 100.0, 140.0),  # G
    ]
    sankey = {(row[0], row[1], row[2]): row[6:] for row in rows}
    assert sankey["2024-04-01", "Champions", "Loyal"] == (
        "Champions (2024-03-01)",
        "Loyal (2024-04-01)",
        1,
    )


def test_alerts_on_the_current_as_of_date(history_run):
    # Previous as-of date 2024-03-01.
    # A: AOV of orders placed 2024-01-02..2024-03-31: A4 40 (1 order); of
    #    2023-10-04..2024-01-01: A2, A3 100 each (A1 is on 10-01): 100.
    #    -60%, below -20%. On 2024-03-01 it was 40 (A4) against 100 (A1-A3):
    #    already dropped. And Champions (rank 1) -> Loyal (rank 2).
    # B: 108 days since 2023-12-15, inactive (90 < 108 <= 180); 77 before.
    # C: 213 days, lost (> 180); 182 before, already lost.
    # G: 45 a purchase (90 over 2 orders, after the 10 return) with no order
    #    in the earlier 90 days: not judged. E: one order, not judged.
    rows = history_run.query(
        "select customer_id, alert_type, segment_name, reason, metric_value,"
        " threshold_value, is_newly_raised, raised_on::varchar,"
        " previous_as_of_date::varchar from customer_alerts"
        " order by customer_id, alert_type"
    )
    assert rows == [
        (
            "A",
            "aov_dropped",
            "Loyal",
            "Average order value 40.00 over 1 order(s) in the 90 days before"
            " 2024-04-01, down 60.0% from 100.00 over 2 order(s) in the 90 days"
            " before those (alert above 20.0%).",
            pytest.approx(-0.6),
            pytest.approx(-0.2),
            False,
            "2024-04-01",
            "2024-03-01",
        ),
        (
            "A",
            "moved_down_from_top_segment",
            "Loyal",
            "Moved from Champions (rank 1) on 2024-03-01 to Loyal (rank 2)"
            " on 2024-04-01.",
            2.0,
            1.0,
            True,
            "2024-04-01",
            "2024-03-01",
        ),
        (
            "B",
            "inactive",
            "At Risk",
            "No purchase for 108 days (inactive after 90, lost after 180);"
            " last order 2023-12-15.",
            108.0,
            90.0,
            True,
            "2024-04-01",
            "2024-03-01",
        ),
        (
            "C",
            "lost",
            "At Risk",
            "No purchase for 213 days (lost after 180); last order 2023-09-01.",
            213.0,
            180.0,
            False,
            "2024-04-01",
            "2024-03-01",
        ),
    ]


def psi(earlier: dict[str, int], later: dict[str, int], epsilon=0.0001) -> float:
    """Population stability index of two count distributions, shares floored
    at epsilon (the test's definition), computed here independently."""
    total_earlier, total_later = sum(earlier.values()), sum(later.values())
    value = 0.0
    for category in set(earlier) | set(later):
        e = max(earlier.get(category, 0) / total_earlier, epsilon)
        a = max(later.get(category, 0) / total_later, epsilon)
        value += (a - e) * math.log(a / e)
    return value


def test_segment_drift_is_not_judged_on_five_customers(history_run, work_dir):
    # 2024-03-01: Champions, Need Attention, At Risk, Lost, Potential
    # Loyalist, one each; 2024-04-01: Loyal 2, At Risk 2, New 1. A PSI of
    # about 11, but five customers are under var segment_drift_min_customers
    # (100): shares of a handful of customers jump by whole customers.
    shift = psi(
        {
            "Champions": 1,
            "Need Attention": 1,
            "At Risk": 1,
            "Lost": 1,
            "Potential Loyalist": 1,
        },
        {"Loyal": 2, "At Risk": 2, "New": 1},
    )
    assert shift > 0.25
    assert f"PASS {DRIFT_TEST}" in history_run.output
    assert history_run.query(drift_test_sql(work_dir)) == []


def test_snapshot_holds_one_open_version_per_customer_in_utc(history_run):
    rows = history_run.query(
        "select customer_id, segment_name, cluster_name, dbt_valid_from,"
        " dbt_valid_to from customer_segments_snapshot order by customer_id"
    )
    assert [row[:3] for row in rows] == [
        ("A", "Loyal", None),
        ("B", "At Risk", None),
        ("C", "At Risk", None),
        ("E", "New", None),
        ("G", "Loyal", None),
    ]
    assert all(row[4] is None for row in rows)
    # dbt ran with TZ=Pacific/Kiritimati (UTC+14): the profile's TimeZone
    # setting keeps the snapshot in UTC.
    assert abs(rows[0][3] - utc_now()) < timedelta(minutes=30)


def shift_table(con: duckdb.DuckDBPyConnection, later_champions: int) -> None:
    """customer_segment_history replaced by 100 customers, half Champions and
    half Lost on 2024-03-01, `later_champions` Champions on 2024-04-01 (the
    build makes it a view; a table takes its place)."""
    if con.sql(
        "select 1 from duckdb_views() where view_name = 'customer_segment_history'"
    ).fetchall():
        con.execute("drop view customer_segment_history")
    con.execute(
        "create or replace table customer_segment_history as"
        " select 'c' || i as customer_id, d::date as as_of_date,"
        " case when i < (case when d = '2024-03-01' then 50 else ? end)"
        " then 'Champions' else 'Lost' end as segment_name"
        " from range(100) as t(i), (values ('2024-03-01'), ('2024-04-01')) as v(d)",
        [later_champions],
    )


@pytest.fixture(scope="module")
def changed_run(history_run: DbtRun, work_dir: Path) -> DbtRun:
    """The build's file with the segment mix shifted hard between the last
    two as-of dates (50/50 to 80/20) and three customers changed, then the
    drift test and the snapshot run again on it, in one dbt call."""
    with duckdb.connect(str(work_dir / "warehouse.duckdb")) as con:
        shift_table(con, later_champions=80)
        # A changes segment, B gets a cluster, C is no longer scored.
        con.execute(
            "update customer_segments set segment_name = 'Champions'"
            " where customer_id = 'A'"
        )
        con.execute(
            "update customer_segments set cluster_name = 'Big Spenders'"
            " where customer_id = 'B'"
        )
        con.execute("delete from customer_segments where customer_id = 'C'")
    return run_dbt(
        work_dir,
        "build",
        history_vars(work_dir / "orders.csv"),
        extra_args=["--select", "customer_segments_snapshot", DRIFT_TEST],
        extra_env={"TZ": NON_UTC_TZ},
    )


def test_segment_drift_fails_the_build_on_a_constructed_shift(changed_run, work_dir):
    assert changed_run.returncode == 1
    # fail_calc: the failure count is the drift level, 2 = above var
    # segment_drift_psi_error (0.25).
    assert f"FAIL 2 {DRIFT_TEST}" in changed_run.output, changed_run.output
    expected = 0.3 * math.log(0.8 / 0.5) + 0.3 * math.log(0.5 / 0.2)
    assert psi({"Champions": 50, "Lost": 50}, {"Champions": 80, "Lost": 20}) == (
        pytest.approx(expected)
    )
    rows = changed_run.query(drift_test_sql(work_dir))
    assert [(row[0], row[1], row[2], row[3], row[-2]) for row in rows] == [
        (D2, D3, 100, 100, 2)
    ]
    assert rows[0][-1].endswith("above var segment_drift_psi_error = 0.25")
    assert rows[0][4] == pytest.approx(expected)  # about 0.416


def test_segment_drift_warns_on_a_moderate_shift(changed_run, work_dir, tmp_path):
    # 50/50 to 70/30: PSI 0.2 ln(1.4) + 0.2 ln(5 / 3), about 0.17, between
    # the warn (0.1) and error (0.25) thresholds: drift level 1, a warning.
    copy = tmp_path / changed_run.db_path.name
    shutil.copy(changed_run.db_path, copy)
    with duckdb.connect(str(copy)) as con:
        shift_table(con, later_champions=70)
        rows = con.sql(drift_test_sql(work_dir)).fetchall()
    expected = psi({"Champions": 50, "Lost": 50}, {"Champions": 70, "Lost": 30})
    assert expected == pytest.approx(0.2 * math.log(1.4) + 0.2 * math.log(5 / 3))
    assert len(rows) == 1
    assert rows[0][4] == pytest.approx(expected)
    assert rows[0][-2] == 1
    assert rows[0][-1].endswith("above var segment_drift_psi_warn = 0.1")


def test_snapshot_records_segment_and_cluster_changes_and_leavers(
    history_run, changed_run
):
    run = changed_run
    opened_at = history_run.query(
        "select max(dbt_valid_from) from customer_segments_snapshot"
    )
    assert "OK snapshotted main.customer_segments_snapshot" in run.output, run.output
    rows = run.query(
        "select customer_id, segment_name, cluster_name,"
        " dbt_valid_to is null as is_open"
        " from customer_segments_snapshot order by customer_id, dbt_valid_from"
    )
    assert rows == [
        ("A", "Loyal", None, False),
        ("A", "Champions", None, True),
        ("B", "At Risk", None, False),
        ("B", "At Risk", "Big Spenders", True),
        ("C", "At Risk", None, False),
        ("E", "New", None, True),
        ("G", "Loyal", None, True),
    ]
    closed_at = run.query(
        "select distinct dbt_valid_to from customer_segments_snapshot"
        " where dbt_valid_to is not null"
    )
    assert len(closed_at) == 1
    assert opened_at[0][0] < closed_at[0][0]
    assert abs(closed_at[0][0] - utc_now()) < timedelta(minutes=30)


def test_the_build_says_how_many_as_of_dates_it_computes(history_run):
    # The three dates of the test above: two of the var, then the current one.
    assert (
        "segment history: computing 3 as-of dates, 2024-01-01 to 2024-04-01"
        in history_run.output
    )
