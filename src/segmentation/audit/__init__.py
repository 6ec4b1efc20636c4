"""Write-audit-publish's audit: a Great Expectations suite run on a candidate
DuckDB file before it replaces the published one.

    from segmentation.audit import run_audit
    result = run_audit(Path("candidate.duckdb"), docs_dir=Path("target/audit"))

Importing this package imports Great Expectations (several seconds).
"""

from segmentation.audit.bounds import AuditBounds
from segmentation.audit.candidate import CandidateError
from segmentation.audit.run import AuditResult, run_audit

__all__ = ["AuditBounds", "AuditResult", "CandidateError", "run_audit"]
