"""The pipeline end to end with the real dbt project: a good build is
published with its facts; a build whose data test fails publishes nothing
and says which node failed. (The runs themselves are in conftest.py.)"""

from __future__ import annotations

import json
import stat

import duckdb
import yaml
from pipeline_data import ORDER_LINES, PROJECT_DIR, QUARANTINED_LINES
from publish_helpers import sha256

FAILING_TEST = "test.customer_segmentation.quarantine_share_within_threshold"


def status_of(builds_dir, build_id) -> str:
    return json.loads((builds_dir / f"{build_id}.status.json").read_text())["status"]


def test_good_build_is_audited_then_published(pipeline_runs):
    ok = pipeline_runs.ok
    assert ok.exit_code == 0, pipeline_runs.ok_err
    assert ok.published == pipeline_runs.ok_publish_dir / "segments.duckdb"
    assert ok.candidate.relative_to(pipeline_runs.ok_builds_dir).parts == (
        ok.build_id,
        "candidate.duckdb",
    )
    [call] = pipeline_runs.audit_calls
    assert call.candidate == ok.candidate
    assert not call.published_existed  # the audit ran before the publish
    assert status_of(pipeline_runs.ok_builds_dir, ok.build_id) == "published"
    assert f"Published {ok.build_id}" in pipeline_runs.ok_out
    assert stat.S_IMODE(ok.published.stat().st_mode) == 0o640
    assert stat.S_IMODE(ok.published.parent.stat().st_mode) == 0o750


def test_published_file_holds_exactly_the_marts(pipeline_runs):
    ok = pipeline_runs.ok
    target = ok.candidate.with_name("target")
    nodes = json.loads((target / "manifest.json").read_text())["nodes"].values()
    path_of = {n["alias"]: n["original_file_path"] for n in nodes if "alias" in n}
    with duckdb.connect(str(ok.published), read_only=True) as con:
        tables = {
            name
            for (name,) in con.execute(
                "SELECT table_name FROM information_schema.tables "
                "WHERE table_type = 'BASE TABLE'"
            ).fetchall()
        }
        tables.discard("publish_metadata")
        counts = con.execute("SELECT table_row_counts FROM publish_metadata")
        counts = counts.fetchall()[0][0]
    assert {
        "customer_segments",
        "segment_summary",
        "order_line_reconciliation",
        "quarantined_order_lines",
    } <= tables
    # The marts, and the snapshots whose history must outlive the build.
    assert all(
        path_of[t].startswith(("models/marts/", "snapshots/")) for t in tables
    ), tables
    assert "customer_segments_snapshot" in tables
    assert not any(t.startswith("cluster") for t in tables)  # clustering off
    with duckdb.connect(str(ok.candidate), read_only=True) as con:
        candidate_counts = {
            t: con.execute(f"SELECT count(*) FROM {t}").fetchall()[0][0] for t in tables
        }
    assert counts == candidate_counts


def test_metadata_describes_the_build(pipeline_runs):
    ok = pipeline_runs.ok
    with duckdb.connect(str(ok.published), read_only=True) as con:
        rows = con.execute("SELECT * FROM publish_metadata").fetchall()
        names = [column[0] for column in con.description]
    [row] = [dict(zip(names, r, strict=True)) for r in rows]
    with duckdb.connect(str(ok.candidate), read_only=True) as con:
        as_of = con.execute("SELECT max(as_of_date) FROM customer_segments")
        as_of = as_of.fetchall()[0][0]
    run_results = ok.candidate.with_name("target") / "run_results.json"
    dbt_version = json.loads(run_results.read_text())["metadata"]["dbt_version"]
    test_statuses = [
        result["status"]
        for result in json.loads(run_results.read_text())["results"]
        if result["unique_id"].split(".")[0] in {"test", "unit_test"}
    ]
    project = yaml.safe_load((PROJECT_DIR / "dbt_project.yml").read_text())
    assert row["build_id"] == ok.build_id
    assert row["as_of_date"] == as_of is not None
    assert row["input_order_lines"] == ORDER_LINES
    assert row["quarantined_order_lines"] == QUARANTINED_LINES
    assert row["clean_order_lines"] == ORDER_LINES - QUARANTINED_LINES
    assert row["input_order_lines_by_source"] == {"shop": ORDER_LINES}
    assert row["chosen_k"] is None  # clustering disabled
    assert row["dbt_version"] == dbt_version
    assert row["project_version"] == str(project["version"])
    assert row["storage_version"] == "v1.4.0+"
    assert row["candidate_path"] == str(ok.candidate)
    assert row["dbt_tests_passed"] == test_statuses.count("pass") > 0
    assert row["dbt_tests_warned"] == test_statuses.count("warn")


def test_failing_data_test_publishes_nothing_and_names_the_node(pipeline_runs):
    runs = pipeline_runs
    assert runs.failed_code == 1, runs.failed_err
    assert f"{FAILING_TEST}" in runs.failed_err
    assert "fail, 1 failing row(s)" in runs.failed_err
    assert "nothing was published" in runs.failed_err
    published = runs.failed_publish_dir / "segments.duckdb"
    assert sha256(published) == runs.failed_published_sha
    assert sorted(p.name for p in runs.failed_publish_dir.iterdir()) == [
        ".segments.lock",
        "segments.duckdb",
    ]
    [status_file] = runs.failed_builds_dir.glob("*.status.json")
    build_id = json.loads(status_file.read_text())["build_id"]
    assert status_of(runs.failed_builds_dir, build_id) == "dbt_failed"
    candidate = runs.failed_builds_dir / build_id / "candidate.duckdb"
    assert f"Rejected candidate kept for inspection: {candidate}" in runs.failed_err
    assert candidate.exists()
