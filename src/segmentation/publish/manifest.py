"""Which tables BI gets: the project's mart models, read from the manifest of
the very build being published, so a new mart is published without anyone
editing a list, and a disabled one (clustering off) is not expected."""

from __future__ import annotations

import json
from pathlib import Path

from segmentation.publish.table_copy import TableRef

MARTS_PREFIX = "models/marts/"


def mart_tables(manifest_path: Path) -> list[TableRef]:
    """Enabled, non-ephemeral models under models/marts/, as schema + alias."""
    manifest = json.loads(Path(manifest_path).read_text())
    tables = []
    for node in manifest.get("nodes", {}).values():
        config = node.get("config", {})
        if (
            node.get("resource_type") == "model"
            and config.get("enabled", True)
            and config.get("materialized") != "ephemeral"
            and node.get("original_file_path", "").startswith(MARTS_PREFIX)
        ):
            tables.append(TableRef(node["schema"], node.get("alias") or node["name"]))
    return sorted(tables)
