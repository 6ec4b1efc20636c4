"""Run `dbt build` into a candidate file and read back what failed.

dbt's console output scrolls past; run_results.json names every node that
failed, with its message and (for tests) its number of failing rows, which is
what someone deciding "why was this build not published" needs.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

FAILED_STATUSES = {"error", "fail", "runtime error"}


@dataclass(frozen=True)
class DbtNodeFailure:
    """One node of run_results.json that failed or errored."""

    unique_id: str
    status: str
    message: str
    failures: int | None  # failing rows, for tests
    compiled_code: str | None = None  # a test's SQL, to read its rows again

    def describe(self) -> str:
        rows = ""
        if self.unique_id.startswith(("test.", "unit_test.")) and self.failures:
            rows = f", {self.failures} failing row(s)"
        message = " ".join((self.message or "no message").split())
        return f"{self.unique_id}: {self.status}{rows}: {message}"


@dataclass(frozen=True)
class DbtBuildResult:
    """Exit code and artifacts of one `dbt build`."""

    returncode: int
    target_dir: Path
    run_results: dict | None

    @property
    def dbt_version(self) -> str | None:
        return (self.run_results or {}).get("metadata", {}).get("dbt_version")

    def failed_nodes(
        self, statuses: set[str] = FAILED_STATUSES
    ) -> list[DbtNodeFailure]:
        """Nodes whose status is in `statuses` (failed ones by default;
        {"warn"} for tests that warned)."""
        return [
            DbtNodeFailure(
                unique_id=result.get("unique_id", "?"),
                status=result.get("status", "?"),
                message=result.get("message") or "",
                failures=result.get("failures"),
                compiled_code=result.get("compiled_code"),
            )
            for result in (self.run_results or {}).get("results", [])
            if result.get("status") in statuses
        ]

    def test_count(self, status: str) -> int | None:
        """Data and unit tests with `status` ('pass', 'warn'); None when
        dbt wrote no run_results.json."""
        if self.run_results is None:
            return None
        return sum(
            1
            for result in self.run_results.get("results", [])
            if result.get("unique_id", "").startswith(("test.", "unit_test."))
            and result.get("status") == status
        )

    def skipped_count(self) -> int:
        results = (self.run_results or {}).get("results", [])
        return sum(1 for result in results if result.get("status") == "skipped")


def default_dbt_executable() -> str:
    """The dbt next to this interpreter (the project's venv), else PATH's."""
    beside = Path(sys.executable).with_name("dbt")
    return str(beside) if beside.exists() else "dbt"


def run_dbt_build(
    *,
    project_dir: Path,
    candidate: Path,
    target_dir: Path,
    parse_cache: Path,
    extra_args: Sequence[str] = (),
    dbt_executable: str | None = None,
) -> DbtBuildResult:
    """`dbt build` with the profile's database at `candidate` and every
    artifact and log of this build under `target_dir`; output goes to this
    process's stdout/stderr so a user watches it as usual. Without a
    `dbt_executable`, dbt runs on the parse kept in `parse_cache` (see
    dbt_in_process); with one, that executable parses as it does."""
    env = {
        **os.environ,
        "SEGMENTATION_DB_PATH": str(candidate),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    }
    runner = (
        [dbt_executable]
        if dbt_executable
        else [
            sys.executable,
            "-m",
            "segmentation.publish.dbt_in_process",
            "--parse-cache",
            str(parse_cache),
            "--",
        ]
    )
    args = [
        *runner,
        "build",
        "--project-dir",
        str(project_dir),
        "--target-path",
        str(target_dir),
        "--log-path",
        str(target_dir / "logs"),
        *extra_args,
    ]
    completed = subprocess.run(args, cwd=project_dir, env=env, check=False)
    return DbtBuildResult(
        completed.returncode, target_dir, read_run_results(target_dir)
    )


def read_run_results(target_dir: Path) -> dict | None:
    """run_results.json of a build, or None if dbt wrote none (it stopped
    before running a node, e.g. on a parse error)."""
    path = target_dir / "run_results.json"
    try:
        return json.loads(path.read_text())
    except (FileNotFoundError, json.JSONDecodeError):
        return None
