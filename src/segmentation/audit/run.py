"""The audit step of write-audit-publish: may this candidate be published?

dbt build writes a candidate DuckDB file; dbt's own tests run after each
table is replaced, so a failed test still leaves the bad table in the file.
The publish step moves the candidate into place only when this audit, run
on the finished file, passes.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from segmentation.audit.bounds import AuditBounds
from segmentation.audit.candidate import read_candidate
from segmentation.audit.failure_lines import failure_line
from segmentation.audit.gx_checkpoints import run_checkpoints
from segmentation.audit.table_audits import build_table_audits


@dataclass(frozen=True)
class AuditResult:
    """success: every expectation passed. failures: one line per failed
    expectation (table.column, check, expected, observed). report_path: the
    Data Docs index.html, None if GX wrote none. checked: how many
    expectations ran."""

    success: bool
    failures: list[str]
    report_path: Path | None
    checked: int


def run_audit(candidate_db: Path, *, docs_dir: Path, **bounds: Any) -> AuditResult:
    """Audit candidate_db (opened read-only) and write Data Docs to docs_dir.

    bounds are the fields of AuditBounds (max_segment_share,
    min_segment_share, segment_shares, monetary_tolerance, score_buckets);
    an unknown name raises TypeError. Raises CandidateError when the file or
    a table the audit reads is missing.
    """
    limits = AuditBounds(**bounds)
    data = read_candidate(Path(candidate_db))
    audits = build_table_audits(data, limits)
    Path(docs_dir).mkdir(parents=True, exist_ok=True)
    gx_run = run_checkpoints(audits, Path(docs_dir))
    failures = [failure_line(r) for r in gx_run.results if not r.success]
    return AuditResult(
        success=gx_run.success and not failures,
        failures=failures,
        report_path=gx_run.index_html,
        checked=len(gx_run.results),
    )
