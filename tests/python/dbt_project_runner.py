"""Run the real dbt project against a throwaway DuckDB file, the way a user
would, so tests see the same errors and tables a user sees."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import duckdb

PROJECT_DIR = Path(__file__).resolve().parents[2]
DBT = Path(sys.executable).with_name("dbt")


@dataclass
class DbtRun:
    """Outcome of one dbt command."""

    returncode: int
    output: str
    db_path: Path

    def query(self, sql: str) -> list[tuple]:
        """Rows of `sql` run read-only against the run's database."""
        with duckdb.connect(str(self.db_path), read_only=True) as con:
            return con.sql(sql).fetchall()


def run_dbt(
    work_dir: Path,
    command: str = "build",
    dbt_vars: dict | None = None,
    extra_args: list[str] | None = None,
    threads: int = 2,
    duckdb_threads: int | None = None,
    extra_env: dict[str, str] | None = None,
) -> DbtRun:
    """Run `dbt <command>` on the project with its database in `work_dir`;
    `extra_env` overrides the environment (e.g. another TZ)."""
    db_path = work_dir / "warehouse.duckdb"
    env = {
        **os.environ,
        "SEGMENTATION_DB_PATH": str(db_path),
        "SEGMENTATION_THREADS": str(threads),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        "TZ": "UTC",
    }
    if duckdb_threads is not None:
        env["SEGMENTATION_DUCKDB_THREADS"] = str(duckdb_threads)
    env.update(extra_env or {})
    args = [
        str(DBT),
        command,
        "--project-dir",
        str(PROJECT_DIR),
        "--profiles-dir",
        str(PROJECT_DIR),
        "--target-path",
        str(work_dir / "target"),
        "--log-path",
        str(work_dir / "logs"),
        *(extra_args or []),
    ]
    if dbt_vars:
        args += ["--vars", json.dumps(dbt_vars)]
    completed = subprocess.run(
        args,
        cwd=PROJECT_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    return DbtRun(completed.returncode, completed.stdout + completed.stderr, db_path)


def reused_demo_build() -> DbtRun | None:
    """The build of the demo data with the default vars that `make test`
    made just before pytest (its dbt-test step), when SEGMENTATION_TEST_BUILD
    names its candidate file: tests that only read such a build use it
    instead of paying for another. None when unset (e.g. plain `pytest`)."""
    candidate = os.environ.get("SEGMENTATION_TEST_BUILD")
    if not candidate:
        return None
    db_path = Path(candidate).resolve()
    log = db_path.with_name(f"{db_path.stem}_target") / "logs" / "dbt.log"
    if not db_path.is_file() or not log.is_file():
        raise FileNotFoundError(
            f"SEGMENTATION_TEST_BUILD={candidate}: no build file or no dbt log "
            f"({log}) there"
        )
    return DbtRun(0, log.read_text(errors="replace"), db_path)


def reused_demo_manifest() -> dict | None:
    """The manifest of that build (see reused_demo_build), or None."""
    build = reused_demo_build()
    if build is None:
        return None
    target = build.db_path.with_name(f"{build.db_path.stem}_target")
    return json.loads((target / "manifest.json").read_text())
