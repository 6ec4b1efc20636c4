"""Benchmark: the dbt/DuckDB RFM pipeline against a plain pandas version of
the same scores, on generated order lines, in one run so that the ratios are
fair on a shared, noisy machine. Prints figures; asserts nothing about time.

Usage: python scripts/benchmark.py [--lines 10000000 50000000] [--pandas-max 10000000]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb

from segmentation_dev.datagen import generate_order_lines

PROJECT_DIR = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
OUT_DIR = PROJECT_DIR / "generated"

# The RFM models of the targets: order lines to customer_segments and
# segment_summary, with the quarantine and the reconciliation, and every test
# and unit test on them (cautious: not the tests that also read models left
# out, such as audiences). With clustering off nothing of K-means is upstream.
RFM_MODELS = [
    "--select",
    "+customer_segments",
    "+segment_summary",
    "+order_line_reconciliation",
    "--indirect-selection",
    "cautious",
]
# Every SQL model, test and seed: the RFM models plus audiences, campaigns
# and the snapshot; everything but the K-means Python models and their marts.
ALL_SQL_MODELS = ["--exclude", "path:python_models+"]
CLUSTER_MODELS = ["--select", "path:python_models", "path:models/marts/clusters"]

PANDAS_JOB = """
import sys
from segmentation_dev.reference_rfm import rfm_scores_pandas
rfm_scores_pandas(sys.argv[1]).to_parquet(sys.argv[2])
"""


@dataclass
class Measured:
    """Wall time and peak resident memory of one child process."""

    seconds: float
    peak_mib: float
    returncode: int
    output: str
    # dbt's own figure for its nodes (run_results.json elapsed_time): the
    # rest of the wall time is start-up, parsing and writing artifacts.
    nodes_seconds: float | None = None


def measure(args: list[str], env: dict | None = None) -> Measured:
    """Run a command and measure it alone: wait4 gives this child's own peak
    RSS, where getrusage(RUSAGE_CHILDREN) would mix in earlier children."""
    started = time.perf_counter()
    proc = subprocess.Popen(
        args,
        cwd=PROJECT_DIR,
        env={**os.environ, **(env or {})},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    output = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    return Measured(seconds, usage.ru_maxrss / 1024, proc.returncode, output)


def measure_dbt(args: list[str], env: dict, work_dir: Path) -> Measured:
    """A dbt command, with dbt's own time for its nodes beside the wall time."""
    results_path = work_dir / "target" / "run_results.json"
    results_path.unlink(missing_ok=True)
    measured = measure(args, env)
    if results_path.exists():
        measured.nodes_seconds = json.loads(results_path.read_text())["elapsed_time"]
    return measured


def dbt_args(
    command: str,
    data_path: Path,
    work_dir: Path,
    selection: list[str],
    clustering: bool = False,
) -> list[str]:
    dbt_vars = {
        "order_inputs": [{"name": "synthetic", "path": str(data_path)}],
        "clustering_enabled": clustering,
        # The RFM pipeline of the targets; the monthly history is timed apart.
        "history_enabled": False,
    }
    return [
        str(BIN / "dbt"),
        command,
        *selection,
        "--vars",
        json.dumps(dbt_vars),
        "--target-path",
        str(work_dir / "target"),
        "--log-path",
        str(work_dir / "logs"),
    ]


def compare_scores(db_path: Path, pandas_path: Path) -> str:
    """How many customers the two implementations score differently."""
    with duckdb.connect(str(db_path), read_only=True) as con:
        row = con.execute(
            """
            select
                count(*) as customers,
                count(*) filter (
                    where dbt_scores.r_score is distinct from pandas_scores.r_score
                    or dbt_scores.f_score is distinct from pandas_scores.f_score
                    or dbt_scores.m_score is distinct from pandas_scores.m_score
                ) as differing
            from customer_segments as dbt_scores
            full outer join read_parquet(?) as pandas_scores
                on dbt_scores.customer_id = pandas_scores.customer_id
            """,
            [str(pandas_path)],
        ).fetchone()
    customers, differing = row
    if differing == 0:
        return f"identical scores for all {customers:,} customers"
    return f"{differing:,} of {customers:,} customers scored differently"


def bench_size(lines: int, run_pandas: bool, seed: int) -> dict:
    data_path = OUT_DIR / f"order_lines_{lines}.parquet"
    if not data_path.exists():
        print(f"generating {lines:,} order lines -> {data_path}", flush=True)
        summary = generate_order_lines(data_path, lines=lines, seed=seed)
        print(f"  {summary['customers']:,} customers in {summary['seconds']} s")
    work_dir = OUT_DIR / f"bench_{lines}"
    work_dir.mkdir(parents=True, exist_ok=True)
    db_path = work_dir / "warehouse.duckdb"
    db_path.unlink(missing_ok=True)
    env = {
        "SEGMENTATION_DB_PATH": str(db_path),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    }

    # dbt's own cost (start-up, parse, hooks) on a one-row model, to tell the
    # engine's time from the tool's.
    overhead = measure(
        dbt_args("run", data_path, work_dir, ["--select", "int_as_of_dates_resolved"]),
        env,
    )
    db_path.unlink(missing_ok=True)
    seeds = measure(dbt_args("seed", data_path, work_dir, []), env)
    if seeds.returncode != 0:
        raise SystemExit(f"dbt seed failed:\n{seeds.output}")
    models = measure_dbt(
        dbt_args("run", data_path, work_dir, RFM_MODELS), env, work_dir
    )
    if models.returncode != 0:
        raise SystemExit(f"dbt run failed:\n{models.output}")
    build = measure_dbt(
        dbt_args("build", data_path, work_dir, RFM_MODELS), env, work_dir
    )
    if build.returncode != 0:
        raise SystemExit(f"dbt build failed:\n{build.output}")
    build_all = measure_dbt(
        dbt_args("build", data_path, work_dir, ALL_SQL_MODELS), env, work_dir
    )
    if build_all.returncode != 0:
        raise SystemExit(f"dbt build of all SQL models failed:\n{build_all.output}")
    # The K-means side on the customers just scored: the Python models (one
    # shared run: selection over k, final fit, split, side by side) and the
    # cluster marts.
    clusters = measure(
        dbt_args("run", data_path, work_dir, CLUSTER_MODELS, clustering=True), env
    )
    if clusters.returncode != 0:
        raise SystemExit(f"dbt run of the cluster models failed:\n{clusters.output}")
    result = {
        "lines": lines,
        "clusters_s": clusters.seconds,
        "clusters_peak_mib": clusters.peak_mib,
        "dbt_overhead_s": overhead.seconds,
        "dbt_run_s": models.seconds,
        "dbt_run_nodes_s": models.nodes_seconds,
        "dbt_run_peak_mib": models.peak_mib,
        "dbt_build_s": build.seconds,
        "dbt_build_nodes_s": build.nodes_seconds,
        "dbt_build_peak_mib": build.peak_mib,
        "dbt_build_all_s": build_all.seconds,
        "dbt_build_all_nodes_s": build_all.nodes_seconds,
        "dbt_build_all_peak_mib": build_all.peak_mib,
    }
    with duckdb.connect(str(db_path), read_only=True) as con:
        customers = con.sql("select count(*) from customer_segments").fetchall()
    result["customers"] = customers[0][0]
    if run_pandas:
        pandas_path = work_dir / "pandas_scores.parquet"
        pandas = measure(
            [sys.executable, "-c", PANDAS_JOB, str(data_path), str(pandas_path)]
        )
        if pandas.returncode != 0:
            raise SystemExit(f"pandas version failed:\n{pandas.output}")
        result |= {
            "pandas_s": pandas.seconds,
            "pandas_peak_mib": pandas.peak_mib,
            "agreement": compare_scores(db_path, pandas_path),
        }
    return result


def report(result: dict) -> None:
    print(f"\n== {result['lines']:,} order lines, {result['customers']:,} customers")
    print(f"dbt fixed cost (one tiny model):   {result['dbt_overhead_s']:7.1f} s")
    for key, label in [
        ("dbt_run", "dbt run   (RFM models):          "),
        ("dbt_build", "dbt build (RFM models + tests):  "),
        ("dbt_build_all", "dbt build (all SQL models):      "),
    ]:
        print(
            f"{label}   {result[key + '_s']:7.1f} s"
            f"   peak {result[key + '_peak_mib']:8.0f} MiB"
            f"   (nodes {result[key + '_nodes_s']:.1f} s, the rest is dbt)"
        )
    print(
        f"dbt run   (K-means models, marts): {result['clusters_s']:7.1f} s"
        f"   peak {result['clusters_peak_mib']:8.0f} MiB"
    )
    if "pandas_s" in result:
        print(
            f"pandas (same scores):              {result['pandas_s']:7.1f} s"
            f"   peak {result['pandas_peak_mib']:8.0f} MiB"
        )
        print(
            f"pandas / dbt run: {result['pandas_s'] / result['dbt_run_s']:.1f}x time,"
            f" {result['pandas_peak_mib'] / result['dbt_run_peak_mib']:.1f}x memory"
        )
        print(
            f"pandas / dbt nodes of the run: "
            f"{result['pandas_s'] / result['dbt_run_nodes_s']:.1f}x time"
        )
        print(f"agreement: {result['agreement']}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, nargs="+", default=[10_000_000])
    parser.add_argument(
        "--pandas-max",
        type=int,
        default=10_000_000,
        help="run the pandas version only up to this many lines",
    )
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args(argv)
    for lines in args.lines:
        report(bench_size(lines, lines <= args.pandas_max, args.seed))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
