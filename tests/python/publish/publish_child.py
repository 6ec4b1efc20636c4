"""Run publishes in a child process, so tests can kill it, limit its file
size, drop its privileges or give it its own mount namespace, and report
what happened as JSON on stdout.

Usage: python publish_child.py '<json spec>'
spec: {"publish_dir": str, "steps": [{"candidate", "build_id", "tables",
       "storage_version"?}], "announce": bool}
Prints "ready" (when announce) once imports are done, then one JSON line.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import sys
from pathlib import Path

from segmentation.publish import PublishError, PublishMetadata, publish_candidate


def sha256(path: Path) -> str | None:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.exists() else None


def main() -> int:
    spec = json.loads(sys.argv[1])
    publish_dir = Path(spec["publish_dir"])
    published = publish_dir / "segments.duckdb"
    if spec.get("announce"):
        print("ready", flush=True)
    results = []
    for step in spec["steps"]:
        before = sha256(published)
        try:
            publish_candidate(
                step["candidate"],
                publish_dir,
                tables=step["tables"],
                metadata=PublishMetadata(step["build_id"], dt.datetime.now(dt.UTC)),
                storage_version=step.get("storage_version", "v1.4.0"),
                lock_timeout=step.get("lock_timeout", 60),
            )
            error = None
        except PublishError as err:
            error = str(err)
        results.append(
            {"error": error, "sha_before": before, "sha_after": sha256(published)}
        )
    listing = (
        sorted(p.name for p in publish_dir.iterdir()) if publish_dir.is_dir() else None
    )
    print(json.dumps({"results": results, "listing": listing}), flush=True)
    return 0 if all(r["error"] is None for r in results) else 3


if __name__ == "__main__":
    sys.exit(main())
