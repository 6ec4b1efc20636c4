"""The audit's suites, each paired with the frame it runs on."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from segmentation.audit.bounds import AuditBounds
from segmentation.audit.candidate import CandidateData
from segmentation.audit.segment_shares import segment_shares
from segmentation.audit.suite_customer_segments import customer_segments_suite
from segmentation.audit.suite_reconciliation import reconciliation_suite
from segmentation.audit.suite_segment_shares import segment_shares_suite


@dataclass(frozen=True)
class TableAudit:
    """One GX data asset: a frame and the expectations run on it."""

    asset_name: str
    frame: pd.DataFrame
    expectations: list[Any]


def build_table_audits(data: CandidateData, bounds: AuditBounds) -> list[TableAudit]:
    """All expectations of the audit, for this candidate's figures."""
    return [
        TableAudit(
            "customer_segments",
            data.customer_segments,
            customer_segments_suite(data, bounds),
        ),
        TableAudit(
            "customer_segments_share_per_segment",
            segment_shares(data.customer_segments, data.segment_names),
            segment_shares_suite(data, bounds),
        ),
        TableAudit(
            "order_line_reconciliation",
            data.order_line_reconciliation,
            reconciliation_suite(data),
        ),
    ]
