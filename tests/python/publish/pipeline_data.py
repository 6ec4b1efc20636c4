"""The small input of the real pipeline runs (conftest.py) and what the
tests expect of it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from segmentation.publish import PipelineResult

PROJECT_DIR = Path(__file__).resolve().parents[3]

ORDERS_CSV = (
    "customer_id,order_id,ordered_at,quantity,unit_price\n"
    "A,1,2024-01-01 10:00:00,1,10\n"
    "A,2,2024-02-01 10:00:00,2,15\n"
    "B,3,2024-01-05 10:00:00,2,10\n"
    ",4,2024-01-06 10:00:00,2,10\n"
    "C,5,2024-02-05 10:00:00,3,20\n"
    "D,6,2024-03-01 10:00:00,1,99\n"
)
ORDER_LINES = 6
QUARANTINED_LINES = 1  # the guest line without a customer id


@dataclass
class Verdict:
    """An audit outcome, as segmentation.audit.AuditResult has it."""

    success: bool
    failures: list[str]
    report_path: Path | None = None


# What the session's pipeline runs left for the tests to read; here, not in
# conftest, so that it pickles (tests/python/built_once.py).
@dataclass
class AuditCall:
    candidate: Path
    published_existed: bool
    customers: int


@dataclass
class PipelineRuns:
    ok: PipelineResult
    ok_out: str
    ok_err: str
    ok_publish_dir: Path
    ok_builds_dir: Path
    audit_calls: list[AuditCall]
    failed_code: int
    failed_out: str
    failed_err: str
    failed_publish_dir: Path
    failed_builds_dir: Path
    failed_published_sha: str
