"""Which tables BI gets: the project's mart models, read from the manifest of
the very build being published, so a new mart is published without anyone
editing a list, and a disabled one (clustering off) is not expected."""

from __future__ import annotations

import json
from pathlib import Path

from segmentation.publish.table_copy import TableRef

MARTS_PREFIX = "models/marts/"


def mart_tables(manifest_path: Path) -> list[TableRef]:
    """Enabled, non-ephemeral models under models/marts/ and snapshots, as
    schema + alias."""
    manifest = json.loads(Path(manifest_path).read_text())
    tables = []
    for node in manifest.get("nodes", {}).values():
        config = node.get("config", {})
        is_mart = node.get("resource_type") == "model" and node.get(
            "original_file_path", ""
        ).startswith(MARTS_PREFIX)
        # Snapshots too: their history must survive into the next build.
        is_snapshot = node.get("resource_type") == "snapshot"
        if (
            (is_mart or is_snapshot)
            and config.get("enabled", True)
            and config.get("materialized") != "ephemeral"
        ):
            tables.append(TableRef(node["schema"], node.get("alias") or node["name"]))
    return sorted(tables)
