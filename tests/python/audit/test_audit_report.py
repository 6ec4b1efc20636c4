"""The good candidate passes, Data Docs are written, and the CLI reports
and exits as the publish step expects."""

from __future__ import annotations

from pathlib import Path

import pytest
from audit_candidates import SEGMENTS, failed_checks, write_broken_candidate

from segmentation.audit import AuditResult, run_audit
from segmentation.audit.cli import main

# Row count, id not null and unique, not null + range per score, segment not
# null and defined, monetary total; a share per segment; three line counts.
EXPECTATIONS = 3 + 2 * 3 + 3 + len(SEGMENTS) + 3


@pytest.fixture(scope="module")
def good_docs(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("docs")


@pytest.fixture(scope="module")
def good_result(good_candidate: Path, good_docs: Path) -> AuditResult:
    return run_audit(good_candidate, docs_dir=good_docs)


def test_good_candidate_passes(good_result: AuditResult):
    assert good_result.failures == []
    assert good_result.success
    assert good_result.checked == EXPECTATIONS


def test_data_docs_index_written(good_result: AuditResult, good_docs: Path):
    assert good_result.report_path == good_docs / "index.html"
    index = good_result.report_path.read_text()
    for suite in ("customer_segments", "order_line_reconciliation"):
        assert f"audit_{suite}" in index
    assert list(good_docs.glob("validations/**/*.html"))


def test_cli_passes_good_candidate(good_candidate, tmp_path, capsys):
    assert main(["--db", str(good_candidate), "--docs-dir", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert f"audit passed: {EXPECTATIONS} of {EXPECTATIONS}" in out
    assert f"Data Docs: {(tmp_path / 'index.html').as_uri()}" in out


def test_cli_fails_broken_candidate(good_candidate, tmp_path, capsys):
    broken = write_broken_candidate(
        good_candidate,
        tmp_path / "c.duckdb",
        "update customer_segments set r_score = 6 where customer_id = 'c001'",
    )
    args = ["--db", str(broken), "--docs-dir", str(tmp_path / "docs")]
    # Each segment of the good candidate holds 0.2: a minimum above that for
    # one segment (a name that needs quoting) fails that segment only.
    assert main([*args, "--segment-share", "Can't Lose Them=0.25:1"]) == 1
    failed = [
        line.removeprefix("FAILED ")
        for line in capsys.readouterr().out.splitlines()
        if line.startswith("FAILED ")
    ]
    assert failed_checks(failed) == {
        "customer_segments.r_score: score in range",
        'customer_segments.segment_name: share of segment "Can\'t Lose Them"',
    }
    assert "expected 0.25..1, observed 0.2" in "\n".join(failed)


def test_cli_exits_2_on_missing_candidate(tmp_path, capsys):
    assert main(["--db", str(tmp_path / "none.duckdb"), "--docs-dir", "x"]) == 2
    assert "candidate database not found" in capsys.readouterr().err
