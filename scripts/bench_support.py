"""What the K-means and CLV benchmarks share (not a test): one dbt command
on a checkout of the project, the node times it wrote, and the CPU time and
peak memory of this process or of its children."""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parents[1]


def project_vars() -> dict:
    """The vars of dbt_project.yml, as a build without --vars sees them."""
    import yaml

    with (PROJECT_DIR / "dbt_project.yml").open() as handle:
        return yaml.safe_load(handle)["vars"]


def cpu_seconds(who: int = resource.RUSAGE_SELF) -> float:
    """User + system CPU time so far: on a shared machine it moves far less
    with the load than wall time does."""
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


def peak_rss_mib(who: int = resource.RUSAGE_SELF) -> float:
    """Peak resident memory of this process, or of its largest child
    (Linux reports KiB)."""
    return resource.getrusage(who).ru_maxrss / 1024


class Stopwatch:
    """Wall and CPU time of this process from its creation, and its peak
    memory before and after."""

    def __init__(self) -> None:
        self.peak_before = peak_rss_mib()
        self.started, self.cpu_started = time.perf_counter(), cpu_seconds()

    def figures(self, part: str, n: int) -> dict[str, object]:
        """The part's name and size, then its times and memory so far."""
        return {
            "part": part,
            "n": n,
            "seconds": round(time.perf_counter() - self.started, 1),
            "cpu_seconds": round(cpu_seconds() - self.cpu_started, 1),
            "peak_rss_mib": round(peak_rss_mib(), 0),
            "peak_rss_before_mib": round(self.peak_before, 0),
        }


def run_dbt(
    args: list[str],
    *,
    work_dir: Path,
    db_path: Path,
    dbt_vars: dict,
    project_dir: Path = PROJECT_DIR,
) -> None:
    """One dbt command (`args`, e.g. ["build", "--select", ...]) on a checkout
    of the project, into the DuckDB file `db_path`, its target and logs in
    `work_dir`; its Python models import the checkout's src/."""
    env = {
        **os.environ,
        "SEGMENTATION_DB_PATH": str(db_path),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        "GX_ANALYTICS_ENABLED": "false",
        "TZ": "UTC",
        "PYTHONPATH": str(project_dir / "src"),
    }
    cmd = [
        str(Path(sys.executable).with_name("dbt")),
        *args,
        "--project-dir",
        str(project_dir),
        "--profiles-dir",
        str(project_dir),
        "--target-path",
        str(work_dir / "target"),
        "--log-path",
        str(work_dir / "logs"),
        "--vars",
        json.dumps(dbt_vars),
    ]
    done = subprocess.run(cmd, capture_output=True, text=True, env=env, check=False)
    if done.returncode:
        raise SystemExit(f"{' '.join(cmd[:4])} failed:\n{done.stdout[-5000:]}")


def node_seconds(work_dir: Path, kind: str | None = None) -> dict[str, float]:
    """Execution time of each node of the last dbt command in `work_dir`, by
    node name; `kind` (model, test, ...) keeps that kind only."""
    results = json.loads((work_dir / "target" / "run_results.json").read_text())
    return {
        r["unique_id"].rsplit(".", 1)[-1]: r["execution_time"]
        for r in results["results"]
        if kind is None or r["unique_id"].startswith(f"{kind}.")
    }


def dbt_elapsed_seconds(work_dir: Path) -> float:
    """The wall time dbt itself reports for its last command in `work_dir`."""
    results = json.loads((work_dir / "target" / "run_results.json").read_text())
    return results["elapsed_time"]
