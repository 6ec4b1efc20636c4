"""The SQL K-means (macro kmeans_lloyd) against the Python core it mirrors.

One dbt build on the demo data, with few Lloyd rounds so that every round
still moves the centroids; then, in-process: the SQL z-scores against
``prepare_features``, the SQL start against a pandas recomputation of its
rule, and the SQL centroids and assignments against
``kmeans_core.lloyd`` from that start (identical labels, centroids within
1e-9 relative). The compiled queries are also run on small hand-made points
whose start leaves two clusters empty and one point on a tie, the branches
the demo data never reaches, for both the DuckDB query and the portable one
that Spark runs.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest
import yaml
from dbt_project_runner import PROJECT_DIR, DbtRun, run_dbt

from segmentation.clustering.features import parse_feature_specs, prepare_features
from segmentation.clustering.kmeans_core import lloyd, predict

ITERATIONS = 8
RTOL = 1e-9
CENTROIDS_SQL = "models/marts/clusters_sql/cluster_centroids_sql.sql"
PORTABLE_TEST_SQL = "tests/assert_sql_kmeans_portable_sql_matches.sql"


def project_vars() -> dict:
    """The vars of dbt_project.yml (the features, k and tolerance in force)."""
    with (PROJECT_DIR / "dbt_project.yml").open() as handle:
        return yaml.safe_load(handle)["vars"]


@pytest.fixture(scope="module")
def demo_build(tmp_path_factory: pytest.TempPathFactory) -> tuple[DbtRun, Path]:
    """The SQL K-means models and their parents built on the demo data, with
    the check of the portable query; returns the run and its work folder."""
    work_dir = tmp_path_factory.mktemp("sql_kmeans_demo")
    run = run_dbt(
        work_dir,
        "build",
        dbt_vars={"sql_kmeans_enabled": True, "sql_kmeans_iterations": ITERATIONS},
        extra_args=[
            "--select",
            "+customer_clusters_sql",
            "assert_sql_kmeans_portable_sql_matches",
            "--indirect-selection",
            "empty",
        ],
    )
    assert run.returncode == 0, run.output
    return run, work_dir


def frame(run: DbtRun, sql: str) -> pd.DataFrame:
    """The result of `sql` on the run's database."""
    with duckdb.connect(str(run.db_path), read_only=True) as con:
        return con.sql(sql).df()


def rank_start(raw: pd.DataFrame, x: np.ndarray, specs: list, k: int) -> np.ndarray:
    """The documented start, recomputed in pandas: customers (sorted by id)
    ordered by the sum of their feature ranks (min rank on ties, each signed
    so that higher is better) then by id, cut into k NTILE groups; the means
    of each group's z-scores."""
    signs = [s.sign for s in specs]
    if not any(signs):
        signs = [1.0] * len(specs)
    score = np.zeros(len(raw), dtype=np.int64)
    for spec, sign in zip(specs, signs, strict=True):
        values = raw[spec.name].astype("float64")
        filled = values.fillna(values.median())
        score += int(sign) * filled.rank(method="min").astype(np.int64).to_numpy()
    order = np.lexsort((raw["customer_id"].to_numpy(dtype=str), score))
    groups = np.empty(len(raw), dtype=np.int64)
    for index, part in enumerate(np.array_split(order, k)):
        groups[part] = index
    return np.array([x[groups == j].mean(axis=0) for j in range(k)])


@pytest.fixture(scope="module")
def python_side(demo_build):
    """The Python core's features of the same customers and the start."""
    run, _ = demo_build
    settings = project_vars()
    specs = parse_feature_specs(settings["clustering"]["features"])
    raw = frame(run, "select * from int_customer_features")
    matrix = prepare_features(raw, specs)
    raw = raw.assign(customer_id=raw["customer_id"].astype(str))
    raw = raw.sort_values("customer_id", kind="stable").reset_index(drop=True)
    start = rank_start(raw, matrix.x, specs, settings["sql_kmeans_k"])
    tol_abs = settings["sql_kmeans_tol"] * float(np.mean(np.var(matrix.x, axis=0)))
    return matrix, start, tol_abs


def wide_centroids(long: pd.DataFrame, names: list[str]) -> np.ndarray:
    """cluster_centroids_sql rows as a (k, features) matrix."""
    wide = long.pivot(
        index="cluster_index", columns="feature_name", values="centroid_z"
    )
    return wide.sort_index()[names].to_numpy()


def test_sql_z_scores_match_prepare_features(demo_build, python_side):
    run, _ = demo_build
    matrix, _, _ = python_side
    sql = frame(run, "select * from int_customer_features_standardised")
    sql = sql.sort_values("customer_index").reset_index(drop=True)
    assert sql["customer_id"].tolist() == list(matrix.customer_ids)
    np.testing.assert_allclose(
        sql[matrix.features].to_numpy(), matrix.x, rtol=1e-12, atol=1e-12
    )


def test_sql_start_is_the_rank_partition(demo_build, python_side):
    run, _ = demo_build
    matrix, start, _ = python_side
    sql = frame(run, "select * from int_cluster_centroids_initialised")
    sql = sql.sort_values("cluster_index")
    assert sql["cluster_index"].tolist() == list(range(len(start)))
    np.testing.assert_allclose(sql[matrix.features].to_numpy(), start, rtol=RTOL)


def test_sql_kmeans_matches_python_lloyd_from_the_same_start(demo_build, python_side):
    run, _ = demo_build
    matrix, start, tol_abs = python_side
    xt = np.ascontiguousarray(matrix.x.T)
    centroids, labels, _, n_iter, converged = lloyd(
        xt, start, max_iter=ITERATIONS, tol_abs=tol_abs
    )
    assert (n_iter, converged) == (ITERATIONS, False)
    sql_centroids = wide_centroids(
        frame(run, "select * from cluster_centroids_sql"), matrix.features
    )
    np.testing.assert_allclose(sql_centroids, centroids, rtol=RTOL, atol=0)
    sql_labels = frame(
        run, "select customer_id, cluster_index from customer_clusters_sql"
    ).sort_values("customer_id")
    assert sql_labels["customer_id"].tolist() == list(matrix.customer_ids)
    assert np.array_equal(sql_labels["cluster_index"].to_numpy(), labels)
    assert np.bincount(labels).min() > 0

    # The comparison can fail: one round fewer, or another start, differs.
    fewer, fewer_labels, *_ = lloyd(xt, start, max_iter=ITERATIONS - 1, tol_abs=tol_abs)
    assert not np.allclose(sql_centroids, fewer, rtol=RTOL, atol=0)
    assert not np.array_equal(sql_labels["cluster_index"].to_numpy(), fewer_labels)
    other_start = matrix.x[np.linspace(0, len(matrix.x) - 1, len(start)).astype(int)]
    _, other_labels, *_ = lloyd(xt, other_start, max_iter=ITERATIONS, tol_abs=tol_abs)
    assert not np.array_equal(sql_labels["cluster_index"].to_numpy(), other_labels)


def hand_made_points(names: list[str], k: int) -> tuple[np.ndarray, np.ndarray]:
    """Twelve points and a start whose last two centroids lie far from every
    point (two empty clusters in round 1, filled by the two points farthest
    from their centroids), with the first point exactly halfway between the
    first two centroids (a tie, won by the lower index)."""
    rng = np.random.default_rng(7)
    points = rng.normal(size=(12, len(names))).round(3)
    points[0] = 0.0
    start = np.zeros((k, len(names)))
    start[0, 0], start[1, 0] = -1.0, 1.0
    start[2:] = 50.0 + np.arange(k - 2)[:, None]
    return points, start


def run_compiled(path: Path, points: np.ndarray, start: np.ndarray, names: list[str]):
    """Runs a compiled query of the build on other inputs: an in-memory
    database under the build's catalog name holds the points and the start
    in the tables the query reads."""
    con = duckdb.connect()
    con.execute("attach ':memory:' as warehouse")
    features = pd.DataFrame(points, columns=names)
    features.insert(0, "customer_index", np.arange(len(points), dtype=np.int64))
    features.insert(0, "customer_id", [f"P{i:02d}" for i in range(len(points))])
    centroids = pd.DataFrame(start, columns=names)
    centroids.insert(0, "cluster_index", np.arange(len(start), dtype=np.int32))
    con.register("features_frame", features)
    con.register("centroids_frame", centroids)
    con.execute(
        "create table warehouse.main.int_customer_features_standardised as "
        "select * from features_frame"
    )
    con.execute(
        "create table warehouse.main.int_cluster_centroids_initialised as "
        "select * from centroids_frame"
    )
    return con, con.sql(path.read_text()).df()


def test_empty_clusters_and_ties_follow_the_python_core(demo_build):
    _, work_dir = demo_build
    settings = project_vars()
    names = [s.name for s in parse_feature_specs(settings["clustering"]["features"])]
    k = settings["sql_kmeans_k"]
    points, start = hand_made_points(names, k)
    xt = np.ascontiguousarray(points.T)
    first_labels = predict(points, start)
    assert set(range(2, k)).isdisjoint(first_labels)
    assert first_labels[0] == 0
    centroids, labels, *_ = lloyd(
        xt, start, max_iter=ITERATIONS, tol_abs=settings["sql_kmeans_tol"]
    )
    # The empty clusters moved onto points: none is left far away or empty.
    assert np.abs(centroids).max() < 10
    assert np.bincount(labels, minlength=k).min() > 0
    compiled = work_dir / "target" / "compiled" / "customer_segmentation"
    con, sql_long = run_compiled(compiled / CENTROIDS_SQL, points, start, names)
    np.testing.assert_allclose(
        wide_centroids(sql_long, names), centroids, rtol=RTOL, atol=1e-15
    )
    # The portable query (what Spark runs) against the DuckDB one's result.
    con.register("built_frame", sql_long)
    con.execute(
        "create table warehouse.main.cluster_centroids_sql as select * from built_frame"
    )
    mismatches = con.sql((compiled / PORTABLE_TEST_SQL).read_text()).df()
    assert mismatches.empty, mismatches
    con.close()
