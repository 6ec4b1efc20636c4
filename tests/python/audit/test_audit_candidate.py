"""A candidate the audit cannot read is reported as such (CandidateError),
before GX runs and before any Data Docs are written: the publish step must
not mistake it for a data problem, nor for a pass."""

from __future__ import annotations

import duckdb
import pytest
from audit_candidates import write_broken_candidate

from segmentation.audit import CandidateError, run_audit
from segmentation.audit.candidate import read_candidate


def test_missing_table_is_named(good_candidate, tmp_path):
    broken = write_broken_candidate(
        good_candidate, tmp_path / "c.duckdb", "drop table int_orders_aggregated"
    )
    with pytest.raises(CandidateError, match="int_orders_aggregated"):
        run_audit(broken, docs_dir=tmp_path / "docs")
    assert not (tmp_path / "docs").exists()


def test_missing_file(tmp_path):
    with pytest.raises(CandidateError, match="not found"):
        read_candidate(tmp_path / "none.duckdb")


def test_file_held_for_writing(good_candidate, tmp_path):
    held = write_broken_candidate(good_candidate, tmp_path / "c.duckdb")
    with duckdb.connect(str(held)), pytest.raises(CandidateError, match="read-only"):
        read_candidate(held)


def test_reference_figures_of_good_candidate(good_candidate):
    # 40 customers bought; x999 only returned goods and is not scored. Each
    # customer i spends 10.25 * i per order on i % 3 + 1 orders, every fourth
    # returns 5.50 once.
    data = read_candidate(good_candidate)
    spent = sum(10.25 * i * (i % 3 + 1) for i in range(1, 41))
    assert data.reference.customers == 40
    assert data.reference.monetary == pytest.approx(spent - 5.50 * 10)
    assert data.reference.clean_lines == sum(3 * (i % 3 + 1) for i in range(1, 41)) + 12
    assert data.reference.quarantined_lines == 7
