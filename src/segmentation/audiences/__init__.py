"""Audience exports for ad platforms, from the published build.

`export_audiences` (and `segmentation audiences`) reads the
audience marts of the published DuckDB file, which only changes after a
build passed every test and the audit, and writes one set of files per
audience into the exports folder: the full list and the adds and removes
since the previous export, as CSV and Parquet, hashes only.
"""

from segmentation.audiences.export import (
    STATE_FILE,
    AudienceFiles,
    ExportError,
    ExportResult,
    export_audiences,
)

__all__ = [
    "STATE_FILE",
    "AudienceFiles",
    "ExportError",
    "ExportResult",
    "export_audiences",
]
