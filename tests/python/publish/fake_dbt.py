"""Stands in for `dbt build` where a test is about the pipeline around dbt,
not dbt: it writes the artifacts of a real build made earlier in the session
(copied, not invented) and records how it was called.

Environment: FAKE_DBT_SOURCE (a real candidate file, optional),
FAKE_DBT_SOURCE_TARGET (its real target folder, optional), FAKE_DBT_EXIT
(exit code, default 0), FAKE_DBT_CALLS (a file to append the call to).
"""

from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path


def main() -> int:
    args = sys.argv[1:]
    target = Path(args[args.index("--target-path") + 1])
    target.mkdir(parents=True, exist_ok=True)
    if calls := os.environ.get("FAKE_DBT_CALLS"):
        with open(calls, "a") as handle:
            record = {
                "args": args,
                "cwd": os.getcwd(),
                "db_path": os.environ.get("SEGMENTATION_DB_PATH"),
                "usage_stats": os.environ.get("DBT_SEND_ANONYMOUS_USAGE_STATS"),
            }
            handle.write(json.dumps(record) + "\n")
    if source := os.environ.get("FAKE_DBT_SOURCE"):
        shutil.copyfile(source, os.environ["SEGMENTATION_DB_PATH"])
    if source_target := os.environ.get("FAKE_DBT_SOURCE_TARGET"):
        for name in ("manifest.json", "run_results.json"):
            shutil.copyfile(Path(source_target) / name, target / name)
    return int(os.environ.get("FAKE_DBT_EXIT", "0"))


if __name__ == "__main__":
    sys.exit(main())
