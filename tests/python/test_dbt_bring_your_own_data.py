"""A user's own data, end to end: a CSV with other column names, text dates
and a line amount instead of a unit price, plus a table already in the
warehouse. Every expected figure below is worked out by hand from the lines.
The CSV's article column is the line key that lets the duplicate check find
the repeated line.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import duckdb
import pytest
from dbt_project_runner import DbtRun, run_dbt, succeeded

from segmentation.summary import main as print_summary

SHOP_CSV = """Kunde;Beleg;Artikel;Zeit;Menge;Betrag
K1;B1;A-1;05/01/2024 10:00;2;20.00
K1;B1;A-2;05/01/2024 10:00;1;5.00
K1;B2;A-1;20/01/2024 09:00;1;10.00
K1;CB2;A-1;21/01/2024 09:00;-1;-10.00
K2;B3;A-3;15/01/2024 12:00;3;30.00
K2;B3;A-3;15/01/2024 12:00;3;30.00
;B4;A-1;16/01/2024 12:00;1;1.00
K3;B5;A-1;not a date;1;1.00
K3;B6;A-1;18/01/2024 12:00;0;0
K3;B7;A-1;18/01/2024 12:00;1;abc
 K2 ;B8;A-2;30/01/2024 08:00;1;7.50
"""


def shop_inputs(work_dir: Path) -> dict:
    """Writes the shop's CSV and table into `work_dir`; returns the vars that
    point the project at them."""
    csv_path = work_dir / "shop.csv"
    csv_path.write_text(SHOP_CSV)
    with duckdb.connect(str(work_dir / "warehouse.duckdb")) as con:
        con.execute("create schema raw_shop")
        con.execute(
            "create table raw_shop.orders as select * from (values"
            " ('K4', 'X1', timestamp '2024-01-25 10:00', 2, 50.0),"
            " ('K1', 'X2', timestamp '2024-01-31 18:00', 1, 15.0)"
            ") as t(customer, invoice, ts, qty, price)"
        )
    return {
        "order_inputs": [
            {
                "name": "shop_csv",
                "path": str(csv_path),
                "columns": {
                    "customer_id": "Kunde",
                    "order_id": "Beleg",
                    "ordered_at": "Zeit",
                    "product_id": "Artikel",
                    "quantity": "Menge",
                    "line_amount": "Betrag",
                },
            },
            {
                "name": "shop_table",
                "relation": "raw_shop.orders",
                "columns": {
                    "customer_id": "customer",
                    "order_id": "invoice",
                    "ordered_at": "ts",
                    "quantity": "qty",
                    "unit_price": "price",
                },
            },
        ],
        "timestamp_formats": ["%d/%m/%Y %H:%M"],
        # 5 of 13 lines are bad on purpose.
        "max_quarantine_share": 0.5,
        # Three customers are too few for K-means over k = 2..10 and for
        # the CLV fits.
        "clustering_enabled": False,
        "clv_enabled": False,
    }


@pytest.fixture(scope="module")
def own_data_run(tmp_path_factory: pytest.TempPathFactory) -> DbtRun:
    work_dir = tmp_path_factory.mktemp("own_data")
    return succeeded(run_dbt(work_dir, "build", shop_inputs(work_dir)))


def test_every_line_is_counted_or_quarantined_with_its_reason(own_data_run):
    rows = own_data_run.query(
        "select source_name, outcome, order_lines from order_line_reconciliation"
        " order by source_name, outcome"
    )
    assert rows == [
        ("shop_csv", "clean", 6),
        ("shop_csv", "duplicate_line", 1),
        ("shop_csv", "missing_customer_id", 1),
        ("shop_csv", "unparseable_amount", 1),
        ("shop_csv", "unparseable_timestamp", 1),
        ("shop_csv", "zero_quantity", 1),
        ("shop_table", "clean", 2),
    ]


def test_quarantine_keeps_the_text_that_did_not_parse(own_data_run):
    rows = own_data_run.query(
        "select quarantine_reason, ordered_at_text, unit_price_text"
        " from quarantined_order_lines"
        " where quarantine_reason in ('unparseable_timestamp', 'unparseable_amount')"
        " order by quarantine_reason"
    )
    assert rows == [
        ("unparseable_amount", "18/01/2024 12:00", None),
        ("unparseable_timestamp", "not a date", None),
    ]


def test_rfm_figures_match_the_hand_computed_ones(own_data_run):
    # As of 2024-02-01, the day after the last order (K1's X2, 2024-01-31).
    # K1: orders B1 (25), B2 (10), X2 (15), return CB2 (-10): 3 orders, 40.
    # K2: B3 (30, its copy quarantined) and B8 (7.5, id trimmed): 2, 37.5.
    # K4: X1 (2 x 50): 1 order, 100. K3 has no usable line.
    rows = own_data_run.query(
        "select customer_id, as_of_date::varchar, recency_days, frequency,"
        " monetary, tenure_days from customer_segments order by customer_id"
    )
    assert rows == [
        ("K1", "2024-02-01", 1, 3, 40.0, 27),
        ("K2", "2024-02-01", 2, 2, 37.5, 17),
        ("K4", "2024-02-01", 7, 1, 100.0, 7),
    ]


def test_scores_and_segments_match_the_hand_computed_ones(own_data_run):
    # NTILE(5) over 3 customers gives buckets 1, 2, 3.
    # R by recency desc: K4 (7) 1, K2 (2) 2, K1 (1) 3.
    # F by frequency: K4 1, K2 2, K1 3.  M by monetary: K2 1, K1 2, K4 3.
    # FM = floor((F + M + 1) / 2): K1 3, K2 2, K4 2.
    # Rules: R3 FM3 Need Attention; R2 FM2 Hibernating; R1 FM2 Lost.
    rows = own_data_run.query(
        "select customer_id, rfm_cell, fm_score, segment_name"
        " from customer_segments order by customer_id"
    )
    assert rows == [
        ("K1", "332", 3, "Need Attention"),
        ("K2", "221", 2, "Hibernating"),
        ("K4", "113", 2, "Lost"),
    ]


def test_segment_summary_lists_every_segment_with_shares(own_data_run):
    rows = own_data_run.query(
        "select segment_name, customers, customer_share, revenue_share"
        " from segment_summary where customers > 0 order by segment_name"
    )
    total = 40.0 + 37.5 + 100.0
    assert rows == [
        ("Hibernating", 1, pytest.approx(1 / 3), pytest.approx(37.5 / total)),
        ("Lost", 1, pytest.approx(1 / 3), pytest.approx(100.0 / total)),
        ("Need Attention", 1, pytest.approx(1 / 3), pytest.approx(40.0 / total)),
    ]
    assert own_data_run.query("select count(*) from segment_summary") == [(11,)]


def test_a_bad_load_fails_the_build_on_the_quarantine_threshold(tmp_path: Path):
    csv_path = tmp_path / "orders.csv"
    csv_path.write_text(
        "customer_id,order_id,ordered_at,quantity,unit_price\n"
        "A,1,2024-01-01 10:00:00,1,10\n"
        ",2,2024-01-02 10:00:00,1,10\n"
        ",3,2024-01-03 10:00:00,1,10\n"
    )
    run = run_dbt(
        tmp_path,
        "build",
        {
            "order_inputs": [{"name": "orders", "path": str(csv_path)}],
            "clustering_enabled": False,
            "clv_enabled": False,
        },
    )
    assert run.returncode != 0
    assert "FAIL 1 quarantine_share_within_threshold" in run.output
    # Nothing is scored from the bad load: the build stops at the check.
    assert "SKIP relation main.customer_segments" in run.output
    assert "SKIP relation main.segment_summary" in run.output


def test_as_of_date_and_lookback_window_limit_what_counts(tmp_path: Path):
    # Same lines, as of 2024-01-31 with a 15-day window (2024-01-16 on).
    # The table's X2 (2024-01-31 18:00) is on the as-of date: after it.
    # K1: B1 (01-05) is before the window; B2 (01-20, 10) and its return CB2
    #     (01-21, -10) count: 1 order, 0 net, last and first order 01-20.
    # K2: B3 (01-15) is before the window; B8 (01-30, 7.5) counts.
    # K4: X1 (01-25, 100).
    dbt_vars = shop_inputs(tmp_path) | {"as_of_date": "2024-01-31", "lookback_days": 15}
    run = run_dbt(tmp_path, "build", dbt_vars)
    assert run.returncode == 0, run.output
    assert run.query(
        "select outcome, order_lines from order_line_reconciliation"
        " where source_name = 'shop_table' order by outcome"
    ) == [("after_as_of_date", 1), ("clean", 1)]
    assert run.query(
        "select customer_id, recency_days, frequency, monetary, tenure_days,"
        " last_order_date::varchar from customer_segments order by customer_id"
    ) == [
        ("K1", 11, 1, 0.0, 11, "2024-01-20"),
        ("K2", 1, 1, 7.5, 1, "2024-01-30"),
        ("K4", 6, 1, 100.0, 6, "2024-01-25"),
    ]


def test_make_run_summary_shows_each_segment(own_data_run, capsys):
    assert print_summary(["--db", str(own_data_run.db_path)]) == 0
    printed = capsys.readouterr().out
    assert "As of 2024-02-01: 3 customers scored from 13 order lines" in printed
    assert "(5 quarantined with a reason)" in printed
    # 37.5 of 177.5 revenue: 21.1%; each segment holds one of three customers.
    assert re.search(r"^Hibernating +1 +33\.3% +21\.1%$", printed, re.M)
    assert re.search(r"^Champions +0 +0\.0% +0\.0%$", printed, re.M)
    assert "K-means cluster" not in printed  # clustering was switched off


def test_parquet_files_of_two_writers_read_as_one_input(tmp_path: Path):
    """A shop's history written by pyarrow and a day's export written by
    DuckDB have the same columns and types, annotated differently in the
    Parquet metadata (String against UTF8, INT32 against INT_32): one input
    reads them both, without union_by_name."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    history = pa.table(
        {
            "customer_id": pa.array(["A", "B"], pa.string()),
            "order_id": pa.array(["1", "2"], pa.string()),
            "ordered_at": pa.array(
                [dt.datetime(2024, 1, 5, 10), dt.datetime(2024, 1, 6, 11)],
                pa.timestamp("us"),
            ),
            "quantity": pa.array([1, 2], pa.int32()),
            "unit_price": pa.array([10.0, 5.5], pa.float64()),
        }
    )
    pq.write_table(history, tmp_path / "orders_1.parquet")
    with duckdb.connect() as con:
        con.execute(
            "copy (select 'A' as customer_id, '3' as order_id,"
            " timestamp '2024-02-01 09:00' as ordered_at, 3::integer as quantity,"
            " 2.0::double as unit_price)"
            f" to '{tmp_path / 'orders_2.parquet'}' (format parquet)"
        )
    run = run_dbt(
        tmp_path,
        "run",
        {"order_inputs": [{"name": "shop", "path": str(tmp_path / "orders_*")}]},
        ["--select", "stg_orders__order_lines"],
    )
    assert run.returncode == 0, run.output
    assert run.query(
        "select customer_id, order_id, quantity, unit_price"
        " from stg_orders__order_lines order by order_id"
    ) == [("A", "1", 1, 10.0), ("B", "2", 2, 5.5), ("A", "3", 3, 2.0)]
