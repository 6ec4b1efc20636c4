"""The default build on the real UCI Online Retail data (both years, as
shipped in data/), checked against facts published with the data and
against an independent pandas implementation of the same definitions."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from dbt_project_runner import PROJECT_DIR, DbtRun, run_dbt

from segmentation.reference_rfm import rfm_scores_pandas

DATA_DIR = PROJECT_DIR / "data"
# Line counts published with the data (UCI data sets 352 and 502).
PUBLISHED_LINES = {
    "online_retail_2009_2010": 525_461,
    "online_retail_2010_2011": 541_909,
}


@pytest.fixture(scope="module")
def real_run(tmp_path_factory: pytest.TempPathFactory) -> DbtRun:
    run = run_dbt(tmp_path_factory.mktemp("real"), "build")
    assert run.returncode == 0, run.output
    return run


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


def test_scores_match_an_independent_pandas_implementation(real_run):
    lines = pd.concat(
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
    expected = rfm_scores_pandas(lines).set_index("customer_id").sort_index()
    actual = (
        pd.DataFrame(
            real_run.query(
                "select customer_id, recency_days, frequency, monetary,"
                " r_score, f_score, m_score from customer_segments"
            ),
            columns=[
                "customer_id",
                "recency_days",
                "frequency",
                "monetary",
                "r_score",
                "f_score",
                "m_score",
            ],
        )
        .set_index("customer_id")
        .sort_index()
    )
    assert list(actual.index) == list(expected.index)
    for column in ["recency_days", "frequency", "r_score", "f_score", "m_score"]:
        mismatched = (actual[column] != expected[column].astype("int64")).sum()
        assert mismatched == 0, f"{column}: {mismatched} customers differ"
    assert (actual["monetary"] - expected["monetary"]).abs().max() < 1e-6


def test_every_rfm_segment_is_populated_on_real_data(real_run):
    empty = real_run.query(
        "select segment_name from segment_summary where customers = 0"
    )
    assert empty == []
