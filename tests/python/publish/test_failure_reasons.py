"""A failed data test reaches the user with its failure_reason sentences:
the test's compiled SQL is run again on the build file, read-only, and the
publish step prints what it says under the failed node."""

from __future__ import annotations

import io
import json
from pathlib import Path

import duckdb

from segmentation.publish.dbt_build import DbtBuildResult
from segmentation.publish.failure_reasons import explain_run, failure_reasons
from segmentation.publish.pipeline import _report_dbt_failure

REASON = "26.1% of 1000 lines flagged, above var max_quarantine_share = 0.25"
FAILING_SQL = f"""
    with totals as (select count(*) as lines from build.main.order_lines)
    select lines, '{REASON}' as failure_reason from totals where lines > 2
"""
NO_REASON_SQL = "select * from build.main.order_lines where line_id < 0"


def make_build(tmp_path: Path) -> Path:
    path = tmp_path / "build.duckdb"
    with duckdb.connect(str(path)) as con:
        con.execute("create table order_lines as select range as line_id from range(3)")
    return path


def run_results(tmp_path: Path) -> dict:
    results = {
        "metadata": {"dbt_version": "1.11.16"},
        "results": [
            {
                "unique_id": "test.customer_segmentation.quarantine_share",
                "status": "fail",
                "message": "Got 1 result, configured to fail if != 0",
                "failures": 1,
                "compiled_code": FAILING_SQL,
            },
            {
                "unique_id": "test.customer_segmentation.no_reason_column",
                "status": "warn",
                "message": "Got 1 result, configured to warn if != 0",
                "failures": 1,
                "compiled_code": NO_REASON_SQL,
            },
            {"unique_id": "model.customer_segmentation.x", "status": "success"},
        ],
    }
    (tmp_path / "run_results.json").write_text(json.dumps(results))
    return results


def test_the_reasons_of_a_failing_test_are_read_from_its_rows(tmp_path):
    build = make_build(tmp_path)
    assert failure_reasons(build, FAILING_SQL, project_dir=tmp_path) == [REASON]
    # No failure_reason column, or SQL that no longer runs: nothing to add.
    assert failure_reasons(build, NO_REASON_SQL, project_dir=tmp_path) == []
    assert failure_reasons(build, "select nonsense", project_dir=tmp_path) == []


def test_make_build_lists_each_failed_or_warned_test_with_its_reasons(tmp_path):
    build = make_build(tmp_path)
    run_results(tmp_path)
    assert explain_run(tmp_path, build, tmp_path) == [
        "FAIL test.customer_segmentation.quarantine_share",
        f"    why: {REASON}",
        "WARN test.customer_segmentation.no_reason_column",
    ]


def test_the_publish_step_prints_the_reason_under_the_failed_test(tmp_path):
    build = make_build(tmp_path)
    dbt = DbtBuildResult(1, tmp_path, run_results(tmp_path))
    err = io.StringIO()
    _report_dbt_failure(dbt, build, tmp_path, err)
    printed = err.getvalue().splitlines()
    failed = printed.index(
        "  - test.customer_segmentation.quarantine_share: fail, 1 failing row(s):"
        " Got 1 result, configured to fail if != 0"
    )
    assert printed[failed + 1] == f"      why: {REASON}"
