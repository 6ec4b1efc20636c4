"""A dbt snapshot keeps its history across write-audit-publish builds: the
published snapshot table is copied into each new candidate before dbt runs,
and published again with the marts."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
from publish_helpers import make_candidate

from segmentation.publish.manifest import mart_tables
from segmentation.publish.snapshots import carry_over_snapshots, project_snapshot_names

PROJECT_DIR = Path(__file__).resolve().parents[3]


def test_the_projects_snapshots_are_found():
    assert project_snapshot_names(PROJECT_DIR) == ["customer_segments_snapshot"]


def test_published_snapshot_rows_reach_the_next_candidate(tmp_path: Path):
    published = tmp_path / "segments.duckdb"
    with duckdb.connect(str(published)) as con:
        con.execute(
            "CREATE TABLE customer_segments_snapshot AS SELECT 'c1' AS customer_id,"
            " 'Champions' AS segment_name, TIMESTAMP '2024-01-01' AS dbt_valid_from,"
            " NULL::TIMESTAMP AS dbt_valid_to"
        )
        con.execute("CREATE TABLE customer_segments AS SELECT 1 AS x")
    candidate = make_candidate(tmp_path / "candidate.duckdb", customers=3, label="b")
    copied = carry_over_snapshots(
        published, candidate, ["customer_segments_snapshot", "not_there"]
    )
    assert copied == ["customer_segments_snapshot"]
    with duckdb.connect(str(candidate), read_only=True) as con:
        rows = con.sql("select * from customer_segments_snapshot").fetchall()
        types = con.sql("describe customer_segments_snapshot").fetchall()
        # Only snapshots are carried: the candidate's own marts stay its own.
        segments = con.sql("select count(*) from customer_segments").fetchall()
    assert rows == [("c1", "Champions", rows[0][2], None)]
    assert [t[1] for t in types] == ["VARCHAR", "VARCHAR", "TIMESTAMP", "TIMESTAMP"]
    assert segments == [(3,)]


def test_nothing_is_carried_before_the_first_publish(tmp_path: Path):
    candidate = make_candidate(tmp_path / "candidate.duckdb", customers=3, label="a")
    missing = tmp_path / "published" / "segments.duckdb"
    assert (
        carry_over_snapshots(missing, candidate, ["customer_segments_snapshot"]) == []
    )


def test_snapshots_are_published_with_the_marts(tmp_path: Path):
    manifest = {
        "nodes": {
            "snapshot.p.s": {
                "resource_type": "snapshot",
                "schema": "main",
                "name": "customer_segments_snapshot",
                "original_file_path": "snapshots/customer_segments_snapshot.sql",
                "config": {"enabled": True, "materialized": "snapshot"},
            },
            "model.p.m": {
                "resource_type": "model",
                "schema": "main",
                "name": "customer_segments",
                "original_file_path": "models/marts/customer_segments.sql",
                "config": {"enabled": True, "materialized": "table"},
            },
            "model.p.i": {
                "resource_type": "model",
                "schema": "main",
                "name": "int_x",
                "original_file_path": "models/intermediate/int_x.sql",
                "config": {"enabled": True, "materialized": "table"},
            },
        }
    }
    path = tmp_path / "manifest.json"
    path.write_text(json.dumps(manifest))
    names = [t.name for t in mart_tables(path)]
    assert names == ["customer_segments", "customer_segments_snapshot"]
