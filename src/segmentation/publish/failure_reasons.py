"""Why a data test failed, in the project's words.

dbt reports a failing test as "Got 1 result, configured to fail if != 0".
The project's tests return rows with a `failure_reason` column (the figure,
the threshold and the var to change); this module runs a failed test's
compiled SQL again on the build file and reads those sentences, so the
publish step can print them.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import duckdb

from segmentation.publish.dbt_build import read_run_results

REASON_COLUMN = "failure_reason"


def failure_reasons(
    database: Path, compiled_sql: str, *, project_dir: Path, limit: int = 5
) -> list[str]:
    """The distinct failure_reason values of a test's rows (at most `limit`),
    or [] when its SQL has no such column or cannot run any more (a view
    over a file that is gone). Read-only; relative paths in the SQL (the
    staging views' input files) resolve against `project_dir`."""
    query = (
        f"select distinct {REASON_COLUMN} from ({compiled_sql.strip().rstrip(';')})"
        f" as failing_rows where {REASON_COLUMN} is not null"
        f" order by {REASON_COLUMN} limit {int(limit)}"
    )
    try:
        with duckdb.connect(str(database), read_only=True) as con:
            con.execute(f"set file_search_path = '{_quoted(project_dir)}'")
            rows = con.execute(query).fetchall()
    except duckdb.Error:
        return []
    return [str(row[0]) for row in rows]


def _quoted(path: Path) -> str:
    return str(path).replace("'", "''")


def explain_run(target_dir: Path, database: Path, project_dir: Path) -> list[str]:
    """Lines naming each test of the last `dbt build` in `target_dir` that
    failed or warned, each followed by its failure reasons."""
    results = (read_run_results(target_dir) or {}).get("results", [])
    lines = []
    for result in results:
        unique_id = result.get("unique_id", "")
        if not unique_id.startswith("test.") or result.get("status") not in {
            "fail",
            "warn",
        }:
            continue
        lines.append(f"{result['status'].upper()} {unique_id}")
        code = result.get("compiled_code") or ""
        for reason in failure_reasons(database, code, project_dir=project_dir):
            lines.append(f"    why: {reason}")
    return lines


def main(argv: list[str] | None = None) -> int:
    """Print why the tests of the last `dbt build` failed or warned."""
    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("--db", type=Path, required=True, help="the build's file")
    parser.add_argument("--target-dir", type=Path, default=Path("target"))
    parser.add_argument("--project-dir", type=Path, default=Path("."))
    args = parser.parse_args(argv)
    for line in explain_run(args.target_dir, args.db, args.project_dir.resolve()):
        print(line, file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
