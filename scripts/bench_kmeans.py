"""Benchmark of segmentation.clustering against scikit-learn (not a test).

1. K-means alone: ``segmentation.clustering.kmeans`` (the function) versus
   ``sklearn.cluster.KMeans(n_clusters=k, n_init=10, random_state=0)`` on
   1M x 4 synthetic customers (time and inertia ratio; scikit-learn is timed with
   its default threads and on one thread, which is faster when the 2-core machine
   is busy).
2. The whole ``segment_customers`` on 1M synthetic customers x 5 features
   (k = 2..10, selection, final fit, naming, profiles, split, side by side):
   wall time and peak memory (``resource.getrusage``), versus scikit-learn doing
   the same model-selection work (KMeans n_init=10 per k, silhouette on the same
   sample size, Davies-Bouldin, Calinski-Harabasz, the same bootstrap stability).

3. The dbt build of the K-means models and marts with their tests
   (``--only dbt``) on the same 1M synthetic customers, read as var
   ``customer_features_input``: wall time, the time of each node and peak
   memory, next to scikit-learn doing the same model-selection work in the
   same run. ``--baseline-project-dir DIR`` also builds another checkout of
   the project (its own ``src/`` on PYTHONPATH), for a before / after.

4. The SQL K-means (``--only sql``): the dbt run of the SQL K-means models
   (``+customer_clusters_sql`` on the same synthetic customers, read as var
   ``customer_features_input``) on DuckDB, versus the Python core doing the
   same work in-process: ``prepare_features`` and ``kmeans_core.lloyd`` for
   the same rounds from the same start (read from the SQL build), then the
   project's own Python fit at the same k (k-means++, ``n_init=10``). Wall
   time and peak memory of each, and how many assignments agree.

Usage::

    .venv/bin/python scripts/bench_kmeans.py [--n 1000000] [--skip-sklearn]
        [--only kmeans|pipeline|dbt|sql] [--work-dir warehouse/bench_sql]
        [--baseline-project-dir DIR]

Each part runs in a fresh subprocess so that its peak memory is its own.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
from bench_support import (
    PROJECT_DIR,
    Stopwatch,
    cpu_seconds,
    dbt_elapsed_seconds,
    node_seconds,
    peak_rss_mib,
    project_vars,
    run_dbt,
)

FEATURES = [
    {"name": "recency_days", "transform": "log1p"},
    {"name": "frequency", "transform": "log1p"},
    {"name": "monetary", "transform": "signed_log1p"},
    {"name": "average_order_value", "transform": "signed_log1p"},
    {"name": "tenure_days", "transform": "none"},
]


def synthetic_customers(n: int, seed: int = 0) -> pd.DataFrame:
    """RFM-like customers from a few latent behaviours (heavy tails, some <= 0)."""
    rng = np.random.default_rng(seed)
    kind = rng.choice(4, size=n, p=[0.15, 0.35, 0.30, 0.20])
    recency_scale = np.array([15.0, 60.0, 200.0, 30.0])[kind]
    recency = np.minimum(1 + rng.exponential(recency_scale), 730).round()
    freq_mean = np.array([12.0, 3.0, 1.5, 1.2])[kind]
    frequency = 1 + rng.poisson(freq_mean - 1 + rng.gamma(1.0, 1.0, n))
    aov = rng.lognormal(np.array([5.5, 5.0, 4.6, 5.0])[kind], 0.6)
    monetary = frequency * aov
    refunds = rng.random(n) < 0.003
    monetary[refunds] = -rng.exponential(50.0, refunds.sum())
    tenure = recency + rng.uniform(0, 700, n).round()
    return pd.DataFrame(
        {
            "customer_id": [f"C{i:07d}" for i in range(n)],
            "recency_days": recency,
            "frequency": frequency.astype(np.int64),
            "monetary": monetary,
            "average_order_value": monetary / frequency,
            "tenure_days": tenure,
        }
    )


def bench_kmeans(n: int, skip_sklearn: bool) -> dict[str, object]:
    """K-means alone on n x 4 log-transformed synthetic features."""
    from sklearn.cluster import KMeans
    from threadpoolctl import threadpool_limits

    from segmentation.clustering import kmeans

    df = synthetic_customers(n)
    cols = ["recency_days", "frequency", "monetary", "tenure_days"]
    x = np.column_stack([np.sign(df[c]) * np.log1p(np.abs(df[c])) for c in cols])
    x = (x - x.mean(axis=0)) / x.std(axis=0)
    rows = []
    for k in (3, 5, 8):
        t0 = time.perf_counter()
        ours = kmeans(x, k, seed=0, n_init=10)
        t_ours = time.perf_counter() - t0
        row = {"k": k, "ours_s": round(t_ours, 2), "ours_inertia": ours.inertia}
        if not skip_sklearn:
            t0 = time.perf_counter()
            sk = KMeans(n_clusters=k, n_init=10, random_state=0).fit(x)
            row["sklearn_s"] = round(time.perf_counter() - t0, 2)
            row["inertia_ratio"] = round(ours.inertia / sk.inertia_, 5)
            with threadpool_limits(limits=1):
                t0 = time.perf_counter()
                KMeans(n_clusters=k, n_init=10, random_state=0).fit(x)
                row["sklearn_1thread_s"] = round(time.perf_counter() - t0, 2)
        rows.append(row)
    return {"part": "kmeans", "n": n, "rows": rows, "peak_rss_mib": peak_rss_mib()}


def bench_pipeline(n: int) -> dict[str, object]:
    """segment_customers on n synthetic customers."""
    from segmentation.clustering import segment_customers

    df = synthetic_customers(n)
    watch = Stopwatch()
    result = segment_customers(df, {"features": FEATURES, "seed": 1})
    return {
        **watch.figures("pipeline", n),
        "chosen_k": result.chosen_k,
        "reason": result.chosen_k_reason,
        "sizes": result.centroids[["cluster_id", "cluster_name", "customers"]].to_dict(
            "records"
        ),
    }


def bench_sklearn_selection(n: int) -> dict[str, object]:
    """scikit-learn doing the model-selection work of segment_customers."""
    from sklearn.cluster import KMeans
    from sklearn.metrics import (
        adjusted_rand_score,
        calinski_harabasz_score,
        davies_bouldin_score,
        silhouette_score,
    )

    from segmentation.clustering import flag_outliers, parse_config, prepare_features

    df = synthetic_customers(n)
    cfg = parse_config({"features": FEATURES, "seed": 1})
    watch = Stopwatch()
    fm = prepare_features(df, cfg.features)
    outliers = flag_outliers(fm, max_z=cfg.outlier_z, max_share=cfg.max_outlier_share)
    x = fm.x[~outliers.mask]
    rng = np.random.default_rng(0)
    m = min(cfg.bootstrap_sample_size, len(x))
    boots = [rng.integers(0, len(x), m) for _ in range(cfg.n_bootstrap)]
    evaluation = rng.choice(len(x), size=m, replace=False)
    for k in range(cfg.k_range[0], cfg.k_range[1] + 1):
        fit = KMeans(n_clusters=k, n_init=cfg.n_init, random_state=0).fit(x)
        silhouette_score(
            x, fit.labels_, sample_size=cfg.silhouette_sample_size, random_state=0
        )
        davies_bouldin_score(x, fit.labels_)
        calinski_harabasz_score(x, fit.labels_)
        for b in boots:
            bfit = KMeans(n_clusters=k, n_init=cfg.bootstrap_n_init, random_state=0)
            bfit.fit(x[b])
            adjusted_rand_score(fit.labels_[evaluation], bfit.predict(x[evaluation]))
    return watch.figures("sklearn_selection", n)


SQL_KMEANS_MODELS = "+customer_clusters_sql"
# The K-means models and marts (a folder that a checkout lacks matches nothing).
KMEANS_PATHS = [
    "int_kmeans_results",
    "path:models/intermediate/clustering",
    "path:models/marts/clusters",
]


def _write_bench_customers(db_path: Path, n: int) -> dict:
    """The synthetic customers as table main.bench_customers of a fresh file,
    and the var customer_features_input that reads them."""
    import duckdb

    db_path.unlink(missing_ok=True)
    df = synthetic_customers(n)
    with duckdb.connect(str(db_path)) as con:
        con.register("customers_frame", df)
        con.execute("create table bench_customers as select * from customers_frame")
    return {
        "relation": "main.bench_customers",
        "id": "customer_id",
        "columns": {f["name"]: f["name"] for f in FEATURES},
    }


def bench_dbt(n: int, work_dir: Path, project_dir: Path) -> dict[str, object]:
    """dbt build of the K-means models and marts with their tests, on n
    synthetic customers; the customer features are built first, untimed."""
    work_dir.mkdir(parents=True, exist_ok=True)
    db_path = work_dir / "bench_dbt_kmeans.duckdb"
    dbt_vars = {
        "customer_features_input": _write_bench_customers(db_path, n),
        # Synthetic customers need not form clusters that pass the gates.
        "cluster_gate_severity": "warn",
    }
    where = {"work_dir": work_dir, "db_path": db_path, "dbt_vars": dbt_vars}
    run_dbt(
        ["build", "--select", "+int_customer_features", "resource_type:seed",
         "--exclude-resource-type", "test", "unit_test"],
        project_dir=project_dir,
        **where,
    )  # fmt: skip
    t0, cpu0 = time.perf_counter(), cpu_seconds(resource.RUSAGE_CHILDREN)
    run_dbt(
        ["build", "--select", *KMEANS_PATHS, "--indirect-selection", "cautious"],
        project_dir=project_dir,
        **where,
    )
    elapsed = time.perf_counter() - t0
    cpu = cpu_seconds(resource.RUSAGE_CHILDREN) - cpu0
    nodes = {
        name: round(seconds, 1)
        for name, seconds in node_seconds(work_dir, "model").items()
    }
    tests = sum(node_seconds(work_dir, "test").values())
    return {
        "part": "dbt",
        "n": n,
        "project_dir": str(project_dir),
        "seconds": round(elapsed, 1),
        "cpu_seconds": round(cpu, 1),
        "nodes_seconds": round(dbt_elapsed_seconds(work_dir), 1),
        "model_seconds": round(sum(nodes.values()), 1),
        "test_seconds": round(tests, 1),
        "models": nodes,
        "peak_rss_mib": round(peak_rss_mib(resource.RUSAGE_CHILDREN), 0),
    }


def bench_sql_dbt(n: int, work_dir: Path) -> dict[str, object]:
    """The dbt run of the SQL K-means models on n synthetic customers."""
    work_dir.mkdir(parents=True, exist_ok=True)
    db_path = work_dir / "bench_sql_kmeans.duckdb"
    dbt_vars = {
        "sql_kmeans_enabled": True,
        "customer_features_input": _write_bench_customers(db_path, n),
    }
    t0 = time.perf_counter()
    run_dbt(
        ["run", "--select", SQL_KMEANS_MODELS],
        work_dir=work_dir,
        db_path=db_path,
        dbt_vars=dbt_vars,
    )
    elapsed = time.perf_counter() - t0
    models = {
        name: round(seconds, 1) for name, seconds in node_seconds(work_dir).items()
    }
    return {
        "part": "sql_dbt",
        "n": n,
        "seconds": round(elapsed, 1),
        "peak_rss_mib": round(peak_rss_mib(resource.RUSAGE_CHILDREN), 0),
        "models": models,
        "db_path": str(db_path),
    }


def bench_sql_python(n: int, work_dir: Path) -> dict[str, object]:
    """The Python core on the same customers: the same rounds from the start
    of the SQL build, then the project's own fit at the same k."""
    import duckdb

    from segmentation.clustering import kmeans, prepare_features
    from segmentation.clustering.kmeans_core import lloyd

    settings = project_vars()
    db_path = work_dir / "bench_sql_kmeans.duckdb"
    with duckdb.connect(str(db_path), read_only=True) as con:
        df = con.sql("select * from bench_customers").df()
        start = con.sql(
            "select * from int_cluster_centroids_initialised order by cluster_index"
        ).df()
        sql_labels = con.sql(
            "select cluster_index from customer_clusters_sql order by customer_id"
        ).df()["cluster_index"]
    names = [f["name"] for f in FEATURES]
    base = peak_rss_mib()
    t0 = time.perf_counter()
    fm = prepare_features(df, FEATURES)
    features_seconds = time.perf_counter() - t0
    xt = np.ascontiguousarray(fm.x.T)
    tol_abs = settings["sql_kmeans_tol"] * float(np.mean(np.var(fm.x, axis=0)))
    _, labels, _, n_iter, _ = lloyd(
        xt,
        start[names].to_numpy(),
        max_iter=(settings["sql_kmeans_iterations"] or 30),
        tol_abs=tol_abs,
    )
    same_start = time.perf_counter() - t0
    peak_same_start = peak_rss_mib()
    t0 = time.perf_counter()
    kmeans(fm.x, settings["sql_kmeans_k"], seed=0, n_init=10)
    own_fit = time.perf_counter() - t0
    return {
        "part": "sql_python",
        "n": n,
        "same_start_seconds": round(same_start, 1),
        "features_seconds": round(features_seconds, 1),
        "same_start_rounds": n_iter,
        "peak_rss_same_start_mib": round(peak_same_start, 0),
        "own_fit_seconds": round(own_fit, 1),
        "peak_rss_mib": round(peak_rss_mib(), 0),
        "peak_rss_before_mib": round(base, 0),
        "agreeing_assignments": int((sql_labels.to_numpy() == labels).sum()),
    }


def _run_part(
    part: str,
    n: int,
    skip_sklearn: bool,
    work_dir: Path | None = None,
    project_dir: Path | None = None,
) -> dict[str, object]:
    cmd = [sys.executable, __file__, "--part", part, "--n", str(n)]
    if skip_sklearn:
        cmd.append("--skip-sklearn")
    if work_dir is not None:
        cmd += ["--work-dir", str(work_dir)]
    env = None
    if project_dir is not None:
        cmd += ["--baseline-project-dir", str(project_dir)]
        # The parts that import segmentation import that checkout's.
        env = {**os.environ, "PYTHONPATH": str(project_dir / "src")}
    out = subprocess.run(cmd, check=True, capture_output=True, text=True, env=env)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    """Run the parts (each in a subprocess) and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--skip-sklearn", action="store_true")
    parser.add_argument("--only", choices=["kmeans", "pipeline", "dbt", "sql"])
    parser.add_argument(
        "--baseline-project-dir",
        type=Path,
        help="another checkout of the project to build too (--only dbt)",
    )
    parser.add_argument(
        "--work-dir",
        type=Path,
        default=PROJECT_DIR / "warehouse" / "bench_sql",
        help="folder of the SQL part's DuckDB file and dbt target",
    )
    parser.add_argument("--part", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.part:
        runner = {
            "kmeans": lambda: bench_kmeans(args.n, args.skip_sklearn),
            "pipeline": lambda: bench_pipeline(args.n),
            "sklearn_selection": lambda: bench_sklearn_selection(args.n),
            "sql_dbt": lambda: bench_sql_dbt(args.n, args.work_dir),
            "sql_python": lambda: bench_sql_python(args.n, args.work_dir),
            "dbt": lambda: bench_dbt(
                args.n, args.work_dir, args.baseline_project_dir or PROJECT_DIR
            ),
        }[args.part]
        print(json.dumps(runner(), default=str))
        return
    if args.only == "sql":
        _print_sql(args.n, args.work_dir)
        return
    if args.only == "dbt":
        _print_dbt(args.n, args.work_dir, args.baseline_project_dir, args.skip_sklearn)
        return
    parts = ["kmeans", "pipeline"] if args.only is None else [args.only]
    if "pipeline" in parts and not args.skip_sklearn:
        parts.append("sklearn_selection")
    for part in parts:
        res = _run_part(part, args.n, args.skip_sklearn)
        if part == "kmeans":
            print(f"K-means alone, n={args.n:,} x 4 (n_init=10):")
            for row in res["rows"]:
                line = f"  k={row['k']}: ours {row['ours_s']:.2f} s"
                if "sklearn_s" in row:
                    ratio = row["inertia_ratio"]
                    line += f", scikit-learn {row['sklearn_s']:.2f} s"
                    line += f" ({row['sklearn_1thread_s']:.2f} s on 1 thread)"
                    line += f", inertia ours/sklearn {ratio:.5f}"
                print(line)
        elif part == "pipeline":
            print(
                f"segment_customers, n={args.n:,} x 5, k=2..10 + final fit, split, "
                f"side by side: {res['seconds']} s, peak RSS {res['peak_rss_mib']:.0f} "
                f"MiB (input alone {res['peak_rss_before_mib']:.0f} MiB)"
            )
            print(f"  chosen k={res['chosen_k']}: {res['reason']}")
            print(f"  clusters: {res['sizes']}")
        else:
            print(
                f"scikit-learn, same selection work (KMeans n_init=10 per k, "
                f"silhouette sample, DB, CH, bootstrap stability): {res['seconds']} s, "
                f"peak RSS {res['peak_rss_mib']:.0f} MiB "
                f"(input alone {res['peak_rss_before_mib']:.0f} MiB)"
            )


def _print_dbt(
    n: int, work_dir: Path, baseline: Path | None, skip_sklearn: bool
) -> None:
    """Runs the dbt part (and the baseline's, and scikit-learn's selection
    work), and prints the times as ratios to scikit-learn's."""
    checkouts = [PROJECT_DIR] if baseline is None else [baseline, PROJECT_DIR]
    runs, numerics = [], []
    for checkout in checkouts:
        folder = work_dir / ("dbt" if checkout == PROJECT_DIR else "dbt_baseline")
        runs.append(_run_part("dbt", n, True, folder, checkout))
        numerics.append(_run_part("pipeline", n, True, None, checkout))
    sk = None if skip_sklearn else _run_part("sklearn_selection", n, False)
    for checkout, res in zip(checkouts, numerics, strict=True):
        print(
            f"segment_customers alone, n={n:,} ({checkout}): {res['seconds']} s"
            f" wall, {res['cpu_seconds']} s CPU, peak RSS {res['peak_rss_mib']:.0f}"
            f" MiB, chosen k={res['chosen_k']}"
            + (
                ""
                if sk is None
                else f"; x{res['cpu_seconds'] / sk['cpu_seconds']:.2f} of"
                " scikit-learn's CPU"
            )
        )
    for res in runs:
        slowest = sorted(res["models"].items(), key=lambda kv: -kv[1])[:4]
        line = (
            f"dbt build of the K-means models and marts, n={n:,}"
            f" ({res['project_dir']}):"
            f" {res['seconds']} s wall ({res['nodes_seconds']} s running nodes),"
            f" {res['cpu_seconds']} s CPU, node times: models"
            f" {res['model_seconds']} s, tests {res['test_seconds']} s; peak RSS"
            f" {res['peak_rss_mib']:.0f} MiB; slowest models {slowest}"
        )
        if sk is not None:
            line += (
                f"; against scikit-learn: x{res['seconds'] / sk['seconds']:.2f}"
                f" wall, x{res['cpu_seconds'] / sk['cpu_seconds']:.2f} CPU"
            )
        print(line)
    if sk is not None:
        print(
            f"scikit-learn, same selection work: {sk['seconds']} s wall, "
            f"{sk['cpu_seconds']} s CPU, peak RSS {sk['peak_rss_mib']:.0f} MiB"
        )


def _print_sql(n: int, work_dir: Path) -> None:
    """Runs the SQL part and its Python counterpart, and prints the ratios."""
    settings = project_vars()
    sql = _run_part("sql_dbt", n, True, work_dir)
    py = _run_part("sql_python", n, True, work_dir)
    k, rounds = settings["sql_kmeans_k"], (settings["sql_kmeans_iterations"] or 30)
    sql_models = sum(
        sql["models"].get(m, 0.0)
        for m in (
            "int_customer_features_standardised",
            "int_cluster_centroids_initialised",
            "cluster_centroids_sql",
            "customer_clusters_sql",
        )
    )
    print(f"SQL K-means, n={n:,} x {len(FEATURES)}, k={k}, {rounds} rounds:")
    print(
        f"  dbt run {SQL_KMEANS_MODELS}: {sql['seconds']} s "
        f"(the four K-means models {sql_models:.1f} s: {sql['models']}), "
        f"peak RSS {sql['peak_rss_mib']:.0f} MiB"
    )
    print(
        f"  Python core, same start and rounds ({py['same_start_rounds']} run): "
        f"{py['same_start_seconds']} s, peak RSS {py['peak_rss_same_start_mib']:.0f} "
        f"MiB (input alone {py['peak_rss_before_mib']:.0f} MiB; features "
        f"{py['features_seconds']} s of it); "
        f"assignments agreeing {py['agreeing_assignments']:,} of {n:,}"
    )
    print(f"  Python fit at k={k} (k-means++, n_init=10): {py['own_fit_seconds']} s")
    same_work = py["same_start_seconds"]
    print(
        f"  ratio SQL / Python same work: models {sql_models / same_work:.1f}x, "
        f"dbt run {sql['seconds'] / same_work:.1f}x time, "
        f"{sql['peak_rss_mib'] / py['peak_rss_same_start_mib']:.1f}x peak memory"
    )


if __name__ == "__main__":
    main()
