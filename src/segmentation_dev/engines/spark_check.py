"""Builds the project on DuckDB and on Apache Spark from the same inputs and
compares every mart both engines build, row for row.

    python -m segmentation_dev.engines.spark_check [--work-dir warehouse/spark]

1. `dbt build --target dev` (DuckDB) into a reference file of its own, with
   var clustering_enabled false: the Python K-means models cannot run on
   dbt-spark, so both engines build the same models and customer_segments
   has empty cluster columns on both; the SQL K-means runs on both; a
   treatment / control test and past responses of the demo's customers
   (Parquet files written into the work dir) build segment_uplift and the
   response rates on both;
2. `dbt build --target spark` (dbt-spark, method session, a local cluster of
   two executor JVMs) with every data and unit test, into a fresh Spark
   warehouse under the work dir;
3. every model under models/marts/ that both builds wrote (read from the
   two manifests and run results, so a mart added later is compared
   without a change here) is read back, the DuckDB one from the reference file, the
   Spark one from the Parquet files Spark wrote, and compared row for row
   (segmentation_dev.engines.compare).

Exit 0 when both builds pass every test and every shared mart is
identical; 1 when a build fails or a mart differs (the differences are
printed); 64 for a bad command line.
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

from segmentation_dev.engines.compare import TableComparison, compare_relations
from segmentation_dev.engines.portability import double_quoted_identifiers

# Same vars on both engines: the Python (K-means) models cannot run on
# Spark, the SQL K-means runs on both. Spark's planner cannot take the
# default 30 unrolled Lloyd rounds in a small driver (it ran out of heap),
# so both build 8.
BUILD_VARS = {
    "clustering_enabled": False,
    "sql_kmeans_enabled": True,
    "sql_kmeans_iterations": 8,
    # The CLV fits are Python: both engines predict in SQL from the same
    # stored parameters (docs/clv.md's example, fitted on the demo data).
    "clv_predict_in_sql": True,
    "clv_parameters": {
        "bg_nbd": {"r": 0.612, "alpha": 48.62, "a": 0.132, "b": 2.229},
        "gamma_gamma": {"p": 1.787, "q": 3.755, "v": 566.7},
    },
}
# Marts whose doubles are sums of many doubles (centroids, distances to
# them): the engines add in different orders, so these are compared within
# a relative tolerance; every other column of them, and every other mart,
# exactly.
#
# The CLV marts, built on Spark only with var clv_parameters (predictions in
# SQL), hold logarithms and exponentials, which the two engines' maths
# libraries may round a unit in the last place apart.
FLOAT_REL_TOL = {
    "cluster_centroids_sql": 1e-9,
    "customer_clusters_sql": 1e-9,
    "customer_value_predictions": 1e-12,
    "segment_value_forecast": 1e-12,
}
# Marts that say how each engine did its work, so differ by design: built
# and tested on both, not compared. DuckDB sniffs and counts every input
# file; Spark reads the files as given.
ENGINE_SPECIFIC = {"input_reading_log"}
MARTS_PATH = "models/marts/"
# The demo's order lines, whose customers the campaign inputs name.
DEMO_ORDER_LINES = "data/online_retail_*.parquet"
OUTPUT_TAIL_LINES = 60


@dataclass
class Build:
    """One engine's dbt build: where its manifest is and how long it took."""

    engine: str
    target_path: Path
    seconds: float = 0.0

    def marts(self) -> dict[str, dict]:
        """Models under models/marts/ that this build wrote, by name: in
        the manifest (enabled) and successful in run_results.json, which
        leaves out ephemeral models and those a selector excluded."""
        manifest = json.loads((self.target_path / "manifest.json").read_text())
        run_results = json.loads((self.target_path / "run_results.json").read_text())
        built = {
            result["unique_id"]
            for result in run_results["results"]
            if result["status"] == "success"
        }
        return {
            node["name"]: node
            for unique_id, node in manifest["nodes"].items()
            if unique_id in built
            and node["resource_type"] == "model"
            and node["original_file_path"].startswith(MARTS_PATH)
        }


def _dbt_env(work_dir: Path) -> dict[str, str]:
    spark_dir = work_dir / "spark"
    return {
        **os.environ,
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        "TZ": "UTC",
        "SEGMENTATION_DB_PATH": str(work_dir / "duckdb_reference.duckdb"),
        "SEGMENTATION_SPARK_DIR": str(spark_dir),
        # The local cluster's driver, master and workers talk over loopback
        # only.
        "SPARK_LOCAL_IP": "127.0.0.1",
    }


def _spark_worker_dir() -> Path | None:
    """Where a local cluster's workers write each application's executor
    logs: `work` in the Spark installation (pyspark's package), whatever
    SPARK_WORKER_DIR says."""
    try:
        import pyspark
    except ImportError:
        return None
    return Path(pyspark.__file__).parent / "work"


def compiled_sql_with_double_quotes(target_path: Path) -> list[str]:
    """Lines of the SQL dbt compiled for an engine that double-quote an
    identifier (Spark reads "col" as a string literal, silently)."""
    findings = []
    for file in sorted((target_path / "compiled").rglob("*.sql")):
        relative = str(file.relative_to(target_path))
        findings += map(str, double_quoted_identifiers(file.read_text(), relative))
    return findings


def run_build(
    project_dir: Path,
    work_dir: Path,
    engine: str,
    target: str,
    exclude: list[str] | None = None,
    extra_vars: dict | None = None,
) -> Build:
    """`dbt build --target <target>` (without the `exclude` selectors);
    raises SystemExit(1) when it fails."""
    build = Build(engine, work_dir / f"target_{engine}")
    dbt = Path(sys.executable).with_name("dbt")
    args = [
        str(dbt),
        "build",
        "--target",
        target,
        "--project-dir",
        str(project_dir),
        "--profiles-dir",
        str(project_dir),
        "--target-path",
        str(build.target_path),
        "--log-path",
        str(work_dir / f"logs_{engine}"),
        "--vars",
        json.dumps({**BUILD_VARS, **(extra_vars or {})}),
    ]
    if exclude:
        args += ["--exclude", *exclude]
    print(f"[{engine}] dbt build --target {target} ...", flush=True)
    worker_dir = _spark_worker_dir() if engine == "spark" else None
    apps_before = set(worker_dir.glob("app-*")) if worker_dir else set()
    started = time.monotonic()
    completed = subprocess.run(
        args,
        cwd=project_dir,
        env=_dbt_env(work_dir),
        capture_output=True,
        text=True,
        check=False,
    )
    build.seconds = time.monotonic() - started
    if worker_dir:
        for app_dir in set(worker_dir.glob("app-*")) - apps_before:
            shutil.rmtree(app_dir, ignore_errors=True)
    log_file = work_dir / f"dbt_build_{engine}.log"
    log_file.write_text(completed.stdout + completed.stderr)
    summary = [line for line in completed.stdout.splitlines() if "Done. PASS=" in line]
    counts = summary[-1].split("Done.", 1)[-1].strip() if summary else "no summary"
    print(
        f"[{engine}] {counts} in {build.seconds:.0f} s (log: {log_file})",
        flush=True,
    )
    if completed.returncode != 0:
        tail = [
            line
            for line in completed.stdout.splitlines()
            if not line.lstrip().startswith("at ")
        ][-OUTPUT_TAIL_LINES:]
        print("\n".join(tail), file=sys.stderr)
        print(
            f"[{engine}] dbt build failed (exit {completed.returncode})",
            file=sys.stderr,
        )
        raise SystemExit(1)
    return build


def spark_table_path(work_dir: Path, node: dict) -> Path:
    """Where Spark's managed table of a model keeps its Parquet files."""
    name = (node.get("alias") or node["name"]).lower()
    return work_dir / "spark" / "tables" / f"{node['schema'].lower()}.db" / name


def compare_marts(
    work_dir: Path, duckdb_build: Build, spark_build: Build
) -> tuple[list[TableComparison], list[str], list[str]]:
    """Compare each mart enabled in both builds; also return the marts
    built by one engine only."""
    duckdb_marts = duckdb_build.marts()
    spark_marts = spark_build.marts()
    shared = sorted(set(duckdb_marts) & set(spark_marts) - ENGINE_SPECIFIC)
    duckdb_only = sorted(set(duckdb_marts) - set(spark_marts))
    spark_only = sorted(set(spark_marts) - set(duckdb_marts))
    results = []
    reference = work_dir / "duckdb_reference.duckdb"
    with duckdb.connect() as con:
        con.sql(f"attach '{reference}' as reference (read_only)")
        for name in shared:
            node = duckdb_marts[name]
            left = f'reference."{node["schema"]}"."{node.get("alias") or name}"'
            path = spark_table_path(work_dir, spark_marts[name])
            files = sorted(path.glob("*.parquet"))
            if not files:
                missing = TableComparison(name)
                missing.problems.append(f"Spark wrote no Parquet files under {path}")
                results.append(missing)
                continue
            file_list = ", ".join(f"'{file}'" for file in files)
            right = f"read_parquet([{file_list}])"
            results.append(
                compare_relations(
                    con, name, left, right, float_rel_tol=FLOAT_REL_TOL.get(name)
                )
            )
    return results, duckdb_only, spark_only


def campaign_inputs(folder: Path, project_dir: Path) -> dict:
    """Vars campaign_uplift_input and campaign_responses over Parquet files
    written into `folder` (Spark reads no CSV input): without them
    segment_uplift is not built and the response rates are null, so neither
    would be compared. Every customer id of the demo's order lines, its arm
    and responses from fixed arithmetic on the id (the same files on every
    run)."""
    folder.mkdir(parents=True, exist_ok=True)
    uplift, responses = folder / "uplift_test.parquet", folder / "responses.parquet"
    with duckdb.connect() as con:
        # The two files name the id column differently.
        con.execute(
            "create temp table customers as select distinct customer_id from ("
            ' select cast(coalesce("Customer ID", CustomerID) as bigint)'
            f" as customer_id from read_parquet('{project_dir / DEMO_ORDER_LINES}',"
            " union_by_name = true)) where customer_id is not null"
        )
        con.execute(
            "copy (select customer_id, case when customer_id % 2 = 0"
            " then 'treatment' else 'control' end as arm,"
            " cast((customer_id * 7919) % 100 < 15 + 5 * (1 - customer_id % 2)"
            " as integer) as converted from customers order by customer_id)"
            f" to '{uplift}' (format parquet)"
        )
        con.execute(
            "copy (select customer_id, cast((customer_id * 104729) % 100 < 12"
            " as integer) as responded from customers order by customer_id)"
            f" to '{responses}' (format parquet)"
        )
    return {
        "campaign_uplift_input": {
            "path": str(uplift),
            "id": "customer_id",
            "treatment": "arm = 'treatment'",
            "response": "converted",
        },
        "campaign_responses": {
            "path": str(responses),
            "id": "customer_id",
            "response": "responded",
        },
    }


def fresh_work_dir(work_dir: Path, keep_spark: bool, keep_duckdb: bool) -> None:
    """Remove what an earlier run left, so no table of a model that is now
    disabled can be mistaken for this build's."""
    work_dir.mkdir(parents=True, exist_ok=True)
    if not keep_spark:
        shutil.rmtree(work_dir / "spark", ignore_errors=True)
        shutil.rmtree(work_dir / "target_spark", ignore_errors=True)
    if not keep_duckdb:
        for suffix in ("", ".wal"):
            (work_dir / f"duckdb_reference.duckdb{suffix}").unlink(missing_ok=True)
        shutil.rmtree(work_dir / "target_duckdb", ignore_errors=True)
    (work_dir / "spark").mkdir(exist_ok=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m segmentation_dev.engines.spark_check",
        description="Build the project on DuckDB and on Spark, compare the marts.",
    )
    parser.add_argument(
        "--work-dir",
        type=Path,
        default=Path("warehouse/spark"),
        help="folder for both builds (default: warehouse/spark)",
    )
    parser.add_argument(
        "--project-dir", type=Path, default=Path.cwd(), help="the dbt project"
    )
    parser.add_argument(
        "--reuse-duckdb",
        action="store_true",
        help="compare with the DuckDB build already in the work dir",
    )
    parser.add_argument(
        "--reuse-spark",
        action="store_true",
        help="compare the Spark build already in the work dir",
    )
    parser.add_argument(
        "--exclude",
        nargs="+",
        metavar="SELECTOR",
        help="dbt selectors left out of both builds (e.g. to time a part)",
    )
    parser.add_argument(
        "--vars",
        type=json.loads,
        default={},
        metavar="JSON",
        help="more dbt vars for both builds, as a JSON object",
    )
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return 64 if exc.code else 0
    project_dir = args.project_dir.resolve()
    work_dir = (
        args.work_dir if args.work_dir.is_absolute() else project_dir / args.work_dir
    )
    fresh_work_dir(work_dir, args.reuse_spark, args.reuse_duckdb)
    build_vars = {
        **campaign_inputs(work_dir / "campaign_inputs", project_dir),
        **args.vars,
    }
    builds = {}
    for engine, target, reuse in (
        ("duckdb", "dev", args.reuse_duckdb),
        ("spark", "spark", args.reuse_spark),
    ):
        if reuse:
            builds[engine] = Build(engine, work_dir / f"target_{engine}")
        else:
            builds[engine] = run_build(
                project_dir, work_dir, engine, target, args.exclude, build_vars
            )
    quoted = compiled_sql_with_double_quotes(builds["spark"].target_path)
    if quoted:
        print("Double-quoted identifiers in the SQL compiled for Spark (read")
        print("there as string literals): " + "\n  ".join(["", *quoted]))
        return 1
    results, duckdb_only, spark_only = compare_marts(
        work_dir, builds["duckdb"], builds["spark"]
    )
    print(f"\nMarts compared row for row, DuckDB vs Spark ({len(results)}):")
    for result in results:
        print(result.report("DuckDB", "Spark"))
    if duckdb_only:
        print(f"Built on DuckDB only (disabled on Spark): {', '.join(duckdb_only)}")
    print(
        f"Built on both, not compared (engine-specific): {', '.join(ENGINE_SPECIFIC)}"
    )
    if spark_only:
        print(f"Built on Spark only: {', '.join(spark_only)}")
    if builds["duckdb"].seconds and builds["spark"].seconds:
        print(
            f"Build time with every test: DuckDB {builds['duckdb'].seconds:.0f} s, "
            f"Spark local-cluster {builds['spark'].seconds:.0f} s"
        )
    different = [result.table for result in results if not result.identical]
    if different or not results:
        print(f"FAILED: marts differ between DuckDB and Spark: {different}")
        return 1
    print(f"All {len(results)} shared marts are identical on DuckDB and Spark.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
