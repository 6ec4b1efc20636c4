"""Write-audit-publish: dbt builds a candidate DuckDB file, an audit checks
it, and only then does the file BI tools read change, atomically.

`publish_candidate` is the atomic copy step; `run_pipeline` (and
`segmentation publish`) runs build, audit and publish in order.
"""

from segmentation.publish.audit_step import AuditFn, AuditOutcome
from segmentation.publish.errors import PublishError
from segmentation.publish.metadata import METADATA_TABLE, PublishMetadata
from segmentation.publish.pipeline import (
    EXIT_AUDIT_FAILED,
    EXIT_DBT_FAILED,
    EXIT_OK,
    EXIT_PUBLISH_FAILED,
    PipelineResult,
    run_pipeline,
)
from segmentation.publish.publisher import PUBLISHED_NAME, publish_candidate
from segmentation.publish.table_copy import TableRef

__all__ = [
    "EXIT_AUDIT_FAILED",
    "EXIT_DBT_FAILED",
    "EXIT_OK",
    "EXIT_PUBLISH_FAILED",
    "METADATA_TABLE",
    "PUBLISHED_NAME",
    "AuditFn",
    "AuditOutcome",
    "PipelineResult",
    "PublishError",
    "PublishMetadata",
    "TableRef",
    "publish_candidate",
    "run_pipeline",
]
