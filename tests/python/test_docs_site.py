"""Which database the docs site's catalog is read from: the candidate of the
published build when it is still there, else the published file."""

from __future__ import annotations

import duckdb

from segmentation.docs_site import docs_database, main


def publish(path, build_id=None):
    with duckdb.connect(str(path)) as con:
        con.execute("create table customer_segments (customer_id varchar)")
        if build_id:
            con.execute(
                f"create table publish_metadata as select '{build_id}' as build_id"
            )


def test_the_published_builds_candidate_and_artifacts_are_used(tmp_path):
    builds = tmp_path / "builds"
    builds.mkdir()
    publish(tmp_path / "segments.duckdb", "build_2")
    # An older and a newer (failed) candidate beside it must not be picked.
    for build_id in ("build_1", "build_2", "build_3"):
        (builds / build_id).mkdir()
        (builds / build_id / "candidate.duckdb").write_bytes(b"")
    database, target = docs_database(tmp_path / "segments.duckdb", builds)
    assert database == builds / "build_2" / "candidate.duckdb"
    assert target == builds / "build_2" / "target"


def test_the_published_file_is_used_when_its_candidate_was_pruned(tmp_path):
    publish(tmp_path / "segments.duckdb", "build_9")
    database, target = docs_database(tmp_path / "segments.duckdb", tmp_path)
    assert (database, target) == (tmp_path / "segments.duckdb", None)


def test_a_file_without_publish_metadata_is_read_itself(tmp_path):
    publish(tmp_path / "dev.duckdb")
    assert docs_database(tmp_path / "dev.duckdb", tmp_path) == (
        tmp_path / "dev.duckdb",
        None,
    )


def test_no_published_file_says_how_to_make_one(tmp_path, capsys):
    assert main(["--published", str(tmp_path / "none.duckdb")]) == 2
    assert "run `make run` first" in capsys.readouterr().err
