"""Benchmark: the project's RFM scores against plain implementations of the
same definitions, and the whole write-audit-publish, in one run on the same
generated order lines, so that the ratios are fair on a shared, noisy
machine. Prints figures and checks that every implementation gives every
customer the same scores; asserts nothing about time (docs/benchmark.md).

Usage: python scripts/benchmark.py [--lines 10000000] [--pandas-max 10000000]
    [--skip-publish] [--keep-work]

Each step runs in a process of its own, timed on the wall clock, with its
peak resident memory from wait4 (the largest process of its tree: dbt and
the publish step's own process are counted apart, not added up):

* floor: one hand-written DuckDB query (scripts/bench/rfm_duckdb_floor.py);
* polars (scripts/bench/rfm_polars.py) and pandas (segmentation_dev.reference_rfm);
* dbt's fixed cost: start-up, a full parse and one view (the staging one);
* dbt build of the RFM marts (customer_segments, segment_summary,
  order_line_reconciliation, what they are built from, and their tests),
  with K-means and the history off, into a fresh file, with the parse of
  the run before kept (partial parsing: same vars, database and target);
* the whole publish on default settings (python -m segmentation.publish:
  every model and test, history and K-means included, the audit and the
  copy to the published file), then its slowest dbt nodes, and the audit
  and the copy timed again alone on its candidate;
* a daily refresh (segmentation publish --refresh): a day's export of 1%
  as many lines (new orders of old and new customers, late lines of the
  last four weeks) added to the published build, audited and published;
  then the next day's, as a shop runs it every day: the first refresh after
  a full build parses the project for its vars, the next reuses that parse
  (docs/publishing.md), so the target is held to the second.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow.parquet as pq

from segmentation_dev.datagen import generate_order_lines

PROJECT_DIR = Path(__file__).resolve().parents[1]
BENCH_DIR = PROJECT_DIR / "scripts" / "bench"
BIN = Path(sys.executable).parent
OUT_DIR = PROJECT_DIR / "generated"
ENV = {
    "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    "GX_ANALYTICS_ENABLED": "false",
    "DO_NOT_TRACK": "1",
    "TZ": "UTC",
}

# The RFM marts of the targets and every test on them (cautious: not the
# tests that also read models left out, such as audiences).
RFM_MARTS = [
    "--select",
    "+customer_segments",
    "+segment_summary",
    "+order_line_reconciliation",
    "--indirect-selection",
    "cautious",
]
PANDAS_JOB = """
import sys
from segmentation_dev.reference_rfm import rfm_scores_pandas
rfm_scores_pandas(sys.argv[1]).to_parquet(sys.argv[2])
"""
COPY_JOB = """
import datetime as dt, sys
from pathlib import Path
from segmentation.publish.manifest import mart_tables
from segmentation.publish.metadata import PublishMetadata
from segmentation.publish.table_copy import write_published_copy
candidate, target_dir, out = map(Path, sys.argv[1:4])
write_published_copy(
    candidate, out, mart_tables(target_dir / "manifest.json"),
    PublishMetadata(build_id="bench", built_at=dt.datetime.now(dt.UTC)), "v1.4.0",
)
"""
# Targets, as ratios within one run.
DBT_BUILD_VS_PANDAS = 1 / 1.5
PUBLISH_VS_FLOOR = 5.0
REFRESH_VS_FLOOR = 2.0
MEMORY_VS_PANDAS = 1 / 3
SLOWEST_NODES = 12


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
    RSS (and its waited-for children's), where getrusage(RUSAGE_CHILDREN)
    would mix in earlier children."""
    started = time.perf_counter()
    proc = subprocess.Popen(
        args,
        cwd=PROJECT_DIR,
        env={**os.environ, **ENV, **(env or {})},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    output = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    return Measured(seconds, usage.ru_maxrss / 1024, proc.returncode, output)


def checked(name: str, measured: Measured) -> Measured:
    if measured.returncode != 0:
        raise SystemExit(f"{name} failed:\n{measured.output[-5000:]}")
    return measured


def dbt_command(
    command: str, data_path: Path, target_dir: Path, selection: list[str]
) -> list[str]:
    dbt_vars = {
        "order_inputs": [{"name": "synthetic", "path": str(data_path)}],
        "clustering_enabled": False,
        "history_enabled": False,
    }
    return [
        str(BIN / "dbt"),
        command,
        *selection,
        "--vars",
        json.dumps(dbt_vars),
        "--target-path",
        str(target_dir),
        "--log-path",
        str(target_dir / "logs"),
    ]


def run_results(target_dir: Path) -> dict:
    return json.loads((target_dir / "run_results.json").read_text())


def slowest_nodes(results: dict, count: int) -> list[tuple[float, str]]:
    nodes = [
        (result["execution_time"], result["unique_id"].split(".", 2)[-1])
        for result in results["results"]
    ]
    return sorted(nodes, reverse=True)[:count]


def agreement(sources: dict[str, Path]) -> list[str]:
    """For each implementation, how many customers it scores otherwise than
    the floor (a customer missing on either side counts). A source is a
    Parquet file of scores or a DuckDB file with customer_segments."""
    lines = []
    with duckdb.connect() as con:
        relations = {}
        for number, (name, path) in enumerate(sources.items()):
            if path.suffix == ".duckdb":
                con.execute(f"attach '{path}' as source_{number} (read_only)")
                relations[name] = f"source_{number}.customer_segments"
            else:
                relations[name] = f"read_parquet('{path}')"
        columns = "customer_id, r_score, f_score, m_score"
        floor = f"select {columns} from {relations['floor']}"
        for name, relation in relations.items():
            if name == "floor":
                continue
            customers, differing = con.sql(
                f"""
                select
                    count(*),
                    count(*) filter (
                        where other.r_score is distinct from floor.r_score
                        or other.f_score is distinct from floor.f_score
                        or other.m_score is distinct from floor.m_score
                    )
                from ({floor}) as floor
                full outer join (select {columns} from {relation}) as other
                    on floor.customer_id = other.customer_id
                """
            ).fetchall()[0]
            verdict = (
                f"identical scores for all {customers:,} customers"
                if differing == 0
                else f"{differing:,} of {customers:,} customers scored otherwise"
            )
            lines.append(f"{name} vs floor: {verdict}")
    return lines


def bench(lines: int, run_pandas: bool, run_publish: bool, seed: int) -> dict:
    data_path = OUT_DIR / f"order_lines_{lines}.parquet"
    if not data_path.exists():
        print(f"generating {lines:,} order lines -> {data_path}", flush=True)
        generate_order_lines(data_path, lines=lines, seed=seed)
    work = OUT_DIR / f"bench_{lines}"
    work.mkdir(parents=True, exist_ok=True)
    python = sys.executable
    steps: dict[str, Measured] = {}
    sources: dict[str, Path] = {}

    def step(name: str, args: list[str], env: dict | None = None) -> Measured:
        print(f"{name} ...", flush=True)
        steps[name] = checked(name, measure(args, env))
        return steps[name]

    for name, script in [("floor", "rfm_duckdb_floor.py"), ("polars", "rfm_polars.py")]:
        out = work / f"{name}_scores.parquet"
        step(name, [python, str(BENCH_DIR / script), str(data_path), str(out)])
        sources[name] = out
    if run_pandas:
        out = work / "pandas_scores.parquet"
        step("pandas", [python, "-c", PANDAS_JOB, str(data_path), str(out)])
        sources["pandas"] = out

    db_path = work / "rfm_marts.duckdb"
    db_path.unlink(missing_ok=True)
    env = {"SEGMENTATION_DB_PATH": str(db_path)}
    target = work / "target_rfm"
    subprocess.run(["rm", "-rf", str(target)], check=True)
    # A first run parses the project from scratch; the build after it, with
    # the same vars, database path and target folder, parses only what
    # changed (nothing), as a user's second `dbt build` does.
    step(
        "dbt fixed cost",
        dbt_command("run", data_path, target, ["--select", "stg_orders__order_lines"]),
        env,
    )
    db_path.unlink(missing_ok=True)
    step("dbt build RFM marts", dbt_command("build", data_path, target, RFM_MARTS), env)
    steps["dbt build RFM marts"].nodes_seconds = run_results(target)["elapsed_time"]
    sources["dbt build"] = db_path

    result = {"lines": lines, "steps": steps}
    if run_publish:
        builds = work / "builds"
        inputs = work / "inputs"
        subprocess.run(
            ["rm", "-rf", str(builds), str(work / "published"), str(inputs)],
            check=True,
        )
        # The history as the first export of a folder the shop adds a file
        # to each day; the refresh below adds one.
        inputs.mkdir()
        (inputs / "orders_0_history.parquet").symlink_to(data_path)
        publish_vars = {
            "order_inputs": [{"name": "synthetic", "path": str(inputs / "orders_*")}]
        }
        publish_command = [
            python,
            "-m",
            "segmentation.publish",
            "--builds-dir",
            str(builds),
            "--publish-dir",
            str(work / "published"),
            "--vars",
            json.dumps(publish_vars),
        ]
        step("publish", [*publish_command, "--refresh"])
        candidate = next(builds.glob("build_*/candidate.duckdb"))
        target_dir = candidate.with_name("target")
        results = run_results(target_dir)
        steps["publish"].nodes_seconds = results["elapsed_time"]
        result["slowest_nodes"] = slowest_nodes(results, SLOWEST_NODES)
        # Its candidate: the published file moves on with the refresh below.
        sources["publish"] = candidate
        step(
            "audit alone",
            [
                python,
                "-m",
                "segmentation.audit",
                "--db",
                str(candidate),
                "--docs-dir",
                str(work / "audit_docs"),
            ],
        )
        copy = work / "copy.duckdb"
        copy.unlink(missing_ok=True)
        step(
            "copy alone",
            [python, "-c", COPY_JOB, str(candidate), str(target_dir), str(copy)],
        )
        copy.unlink(missing_ok=True)
        for day, name in ((1, "first daily refresh"), (2, "daily refresh")):
            write_next_day(
                data_path, inputs / f"orders_{day}_next_day.parquet", seed, day
            )
            refresh = step(name, [*publish_command, "--refresh"])
            if "Refresh: starting from build" not in refresh.output:
                raise SystemExit(f"the {name} built in full:\n{refresh.output}")
    result["agreement"] = agreement(sources)
    result["customers"] = duckdb.sql(
        f"select count(*) from read_parquet('{work / 'floor_scores.parquet'}')"
    ).fetchall()[0][0]
    return result


def write_next_day(history: Path, out: Path, seed: int, day: int) -> None:
    """A day's export of 1% as many lines as the history: orders placed the
    day after its last one, four in five by existing customers and the rest
    by new ones, and one line in ten a late line of an order of the last
    four weeks (dated then, arriving now). `day` days after the history's
    last day."""
    # Written by pyarrow, as the history is: the input checks compare the
    # files' Parquet schemas as written.
    lines = duckdb.sql(
        f"""
            with sampled as (
                select *, row_number() over (order by hash(order_id, {seed}),
                    order_id, ordered_at, product_id) as n
                from read_parquet('{history}')
                using sample 1 percent (reservoir, {seed + day})
            ),
            last_day as (
                select max(ordered_at) as last_at from read_parquet('{history}')
            )
            select * exclude (n, last_at) replace (
                case when n % 5 = 0 then 'new-' || customer_id
                    else customer_id end as customer_id,
                'next{day}-' || order_id as order_id,
                case when n % 10 = 0
                    then last_at - to_days(cast(n % 28 as integer))
                    else date_trunc('day', last_at) + to_days({day})
                        + to_seconds(cast(n % 86400 as bigint))
                end as ordered_at
            )
            from sampled
            cross join last_day
        """
    ).to_arrow_table()
    pq.write_table(lines, out)


def report(result: dict) -> None:
    steps: dict[str, Measured] = result["steps"]
    floor = steps["floor"].seconds
    print(f"\n== {result['lines']:,} order lines, {result['customers']:,} customers")
    print(f"{'':28} {'time':>8} {'x floor':>8} {'peak MiB':>9}  dbt nodes")
    for name, measured in steps.items():
        nodes = (
            f"  {measured.nodes_seconds:.1f} s"
            if measured.nodes_seconds is not None
            else ""
        )
        print(
            f"{name:28} {measured.seconds:7.1f}s {measured.seconds / floor:7.2f}x"
            f" {measured.peak_mib:9.0f}{nodes}"
        )
    for line in result["agreement"]:
        print(line)
    print("\ntargets (ratios in this run):")
    rfm = steps["dbt build RFM marts"]
    if "pandas" in steps:
        pandas = steps["pandas"]
        limit = pandas.seconds * DBT_BUILD_VS_PANDAS
        print(
            f"  dbt build of the RFM marts {rfm.seconds:.1f} s, at most pandas / 1.5"
            f" = {limit:.1f} s: {'met' if rfm.seconds <= limit else 'missed'}"
        )
        for name in ("dbt build RFM marts", "publish"):
            if name in steps:
                peak, cap = steps[name].peak_mib, pandas.peak_mib * MEMORY_VS_PANDAS
                print(
                    f"  peak memory of {name} {peak:.0f} MiB, at most pandas / 3"
                    f" = {cap:.0f} MiB: {'met' if peak <= cap else 'missed'}"
                )
    if "publish" in steps:
        publish = steps["publish"]
        limit = floor * PUBLISH_VS_FLOOR
        print(
            f"  whole publish {publish.seconds:.1f} s, at most 5x the floor"
            f" = {limit:.1f} s: {'met' if publish.seconds <= limit else 'missed'}"
        )
        refresh = steps["daily refresh"]
        limit = floor * REFRESH_VS_FLOOR
        print(
            f"  daily refresh (1% new lines) {refresh.seconds:.1f} s, at most 2x the"
            f" floor = {limit:.1f} s: {'met' if refresh.seconds <= limit else 'missed'}"
        )
        print("\nwhere the publish's time goes:")
        print(
            f"  dbt nodes {publish.nodes_seconds:.1f} s of {publish.seconds:.1f} s"
            f" (dbt's fixed cost alone: {steps['dbt fixed cost'].seconds:.1f} s;"
            f" audit alone {steps['audit alone'].seconds:.1f} s;"
            f" copy alone {steps['copy alone'].seconds:.1f} s)"
        )
        print("  slowest dbt nodes (two threads, so they overlap):")
        for seconds, node in result["slowest_nodes"]:
            print(f"    {seconds:6.1f} s  {node}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=10_000_000)
    parser.add_argument(
        "--pandas-max",
        type=int,
        default=10_000_000,
        help="run the pandas version only up to this many lines",
    )
    parser.add_argument(
        "--skip-publish", action="store_true", help="leave out the whole publish"
    )
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument(
        "--keep-work",
        action="store_true",
        help="keep the builds, published files and scores under generated/",
    )
    args = parser.parse_args(argv)
    result = bench(
        args.lines, args.lines <= args.pandas_max, not args.skip_publish, args.seed
    )
    report(result)
    work = OUT_DIR / f"bench_{args.lines}"
    if args.keep_work:
        print(f"kept {folder_gib(work):.1f} GiB of builds and scores in {work}")
    else:
        # Builds are several times the input (34 GiB at 50M lines) and
        # nothing reads them again; the generated input is kept for reruns.
        print(f"removing {folder_gib(work):.1f} GiB of builds and scores in {work}")
        shutil.rmtree(work)
    return 0


def folder_gib(folder: Path) -> float:
    files = (path for path in folder.rglob("*") if path.is_file())
    return sum(path.lstat().st_size for path in files) / 2**30


if __name__ == "__main__":
    raise SystemExit(main())
