"""Each check of the audit, shown failing on a candidate broken for it.

The sets of failed checks are compared whole, so a check that fires on the
wrong breakage (or stays silent) fails the test as much as a missing one.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from audit_candidates import failed_checks, write_broken_candidate

from segmentation.audit import run_audit

CS = "customer_segments"
ROW_COUNT = f"{CS}: row count = scored customers in the orders"
MONETARY = f"{CS}.monetary: monetary total = clean order revenue"
RAW = (
    "order_line_reconciliation.order_lines: raw = clean + quarantined"
    " + after the as-of date"
)

CASES = {
    "score_out_of_range": (
        [
            f"update {CS} set r_score = 6 where customer_id = 'c001'",
            f"update {CS} set f_score = 0 where customer_id = 'c002'",
            f"update {CS} set m_score = 7 where customer_id = 'c003'",
        ],
        {f"{CS}.{c}_score: score in range" for c in "rfm"},
    ),
    "null_score": (
        [f"update {CS} set m_score = null where customer_id = 'c004'"],
        {f"{CS}.m_score: score not null"},
    ),
    "null_customer_id": (
        [f"update {CS} set customer_id = null where customer_id = 'c002'"],
        {f"{CS}.customer_id: key not null"},
    ),
    "duplicate_customer_id": (
        [f"update {CS} set customer_id = 'c005' where customer_id = 'c003'"],
        {f"{CS}.customer_id: key unique"},
    ),
    "unknown_segment_name": (
        [f"update {CS} set segment_name = 'Whales' where customer_id = 'c004'"],
        {f"{CS}.segment_name: segment defined"},
    ),
    "null_segment_name": (
        [f"update {CS} set segment_name = null where customer_id = 'c004'"],
        {f"{CS}.segment_name: segment not null"},
    ),
    "segment_share_above_max": (
        [f"update {CS} set segment_name = 'Champions' where customer_id <= 'c030'"],
        {f"{CS}.segment_name: share of segment 'Champions'"},
    ),
    "monetary_total_off": (
        [f"update {CS} set monetary = monetary + 0.05 where customer_id = 'c005'"],
        {MONETARY},
    ),
    "row_count_off": (
        [f"delete from {CS} where customer_id = 'c006'"],
        {ROW_COUNT, MONETARY},
    ),
    "clean_lines_off": (
        [
            "update order_line_reconciliation set order_lines = order_lines + 1"
            " where outcome = 'clean'"
        ],
        {RAW, "order_line_reconciliation.order_lines: clean lines match the orders"},
    ),
    "quarantined_lines_off": (
        ["delete from quarantined_order_lines where order_line_id = 0"],
        {
            RAW,
            "order_line_reconciliation.order_lines: "
            "quarantined lines match the quarantine",
        },
    ),
}


@pytest.mark.parametrize("case", list(CASES))
def test_breakage_fails_its_check(case: str, good_candidate: Path, tmp_path: Path):
    statements, expected = CASES[case]
    broken = write_broken_candidate(good_candidate, tmp_path / "c.duckdb", *statements)
    result = run_audit(broken, docs_dir=tmp_path / "docs")
    assert not result.success
    assert failed_checks(result.failures) == expected, result.failures
    assert result.report_path is not None and result.report_path.is_file()


def test_failure_line_gives_expected_and_observed(good_candidate, tmp_path):
    broken = write_broken_candidate(
        good_candidate,
        tmp_path / "c.duckdb",
        f"delete from {CS} where customer_id = 'c006'",
        f"update {CS} set r_score = 6 where customer_id = 'c001'",
        f"update {CS} set segment_name = null where customer_id = 'c002'",
    )
    failures = run_audit(broken, docs_dir=tmp_path / "docs").failures

    def line(prefix: str) -> str:
        return next(text for text in failures if text.startswith(prefix))

    assert line(ROW_COUNT).endswith("expected 40 rows, observed 39")
    score = line(f"{CS}.r_score")
    assert "expected 1..5" in score and "observed 1 of 39 rows, e.g. 6" in score
    assert line(f"{CS}.segment_name: segment not null").endswith(
        "expected no nulls, observed 1 of 39 rows, e.g. null"
    )
