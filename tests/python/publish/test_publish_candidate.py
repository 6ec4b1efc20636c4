"""publish_candidate on real DuckDB files: what the published file holds, who
can read it, and that readers of the old file are not disturbed."""

from __future__ import annotations

import datetime as dt
import json
import os
import stat
import struct
import subprocess
import sys

import duckdb
import pytest
from publish_helpers import TABLES, make_candidates, metadata, read_build, sha256

from segmentation.publish import PublishError, PublishMetadata, publish_candidate

# DuckDB 1.4 reads files whose header storage number is between these
# (its own error message when given a newer file says so).
DUCKDB_14_READABLE = range(64, 68)


@pytest.fixture(scope="module")
def candidates(tmp_path_factory):
    folder = tmp_path_factory.mktemp("candidates")
    return make_candidates(folder, {"a": 1_000, "b": 2_500})


def publish(candidate, folder, build_id: str, **options):
    """publish_candidate of TABLES, with metadata naming `build_id`."""
    return publish_candidate(
        candidate, folder, tables=TABLES, metadata=metadata(build_id), **options
    )


def header_storage_number(path) -> int:
    """The storage version number in a DuckDB file's main header."""
    with open(path, "rb") as handle:
        head = handle.read(20)
    assert head[8:12] == b"DUCK"
    return struct.unpack("<Q", head[12:20])[0]


def test_published_file_holds_the_listed_tables_as_tables(candidates, tmp_path):
    published = publish_candidate(
        candidates["a"],
        tmp_path / "pub",
        tables=TABLES + ["recent_segments"],
        metadata=metadata("build_a"),
    )
    assert published == tmp_path / "pub" / "segments.duckdb"
    with duckdb.connect(str(published), read_only=True) as con:
        kinds = dict(
            con.execute(
                "SELECT table_name, table_type FROM information_schema.tables"
            ).fetchall()
        )
        assert kinds == {
            "customer_segments": "BASE TABLE",
            "segment_summary": "BASE TABLE",
            "recent_segments": "BASE TABLE",  # a view in the candidate
            "publish_metadata": "BASE TABLE",
        }
        con.execute(f"ATTACH '{candidates['a']}' AS cand (READ_ONLY)")
        for table in TABLES:
            differing = con.execute(
                f"SELECT count(*) FROM ((FROM {table} EXCEPT ALL FROM cand.{table}) "
                f"UNION ALL (FROM cand.{table} EXCEPT ALL FROM {table}))"
            ).fetchall()[0][0]
            assert differing == 0, table
        comments = con.execute(
            "SELECT comment FROM duckdb_columns() "
            "WHERE database_name = current_database() AND "
            "table_name = 'customer_segments' AND column_name = 'segment_name'"
        ).fetchall()
        assert comments == [("Named RFM segment.",)]
    build = read_build(published)
    assert build["counts"] == {
        "customer_segments": 1_000,
        "segment_summary": 11,
        "recent_segments": 10,
    }


def test_metadata_row_has_typed_columns_and_the_callers_values(candidates, tmp_path):
    built_at = dt.datetime(2026, 11, 23, 4, 0, tzinfo=dt.UTC)
    published = publish_candidate(
        candidates["a"],
        tmp_path,
        tables=TABLES,
        metadata=PublishMetadata(
            "build_a",
            built_at,
            as_of_date=dt.date(2024, 6, 1),
            input_order_lines=120,
            clean_order_lines=100,
            quarantined_order_lines=20,
            input_order_lines_by_source={"shop": 70, "app": 50},
            chosen_k=4,
            dbt_version="1.11.16",
            project_version="0.1.0",
        ),
    )
    with duckdb.connect(str(published), read_only=True) as con:
        types = {
            row[0]: row[1]
            for row in con.execute("DESCRIBE publish_metadata").fetchall()
        }
        rows = con.execute("SELECT * FROM publish_metadata").fetchall()
        names = [column[0] for column in con.description]
    assert len(rows) == 1
    row = dict(zip(names, rows[0], strict=True))
    assert types["built_at"] == "TIMESTAMP WITH TIME ZONE"
    assert types["as_of_date"] == "DATE"
    assert types["input_order_lines"] == "BIGINT"
    assert types["chosen_k"] == "INTEGER"
    assert types["table_row_counts"] == "MAP(VARCHAR, BIGINT)"
    assert row["build_id"] == "build_a"
    assert row["built_at"] == built_at
    assert row["input_order_lines_by_source"] == {"shop": 70, "app": 50}
    assert (row["input_order_lines"], row["clean_order_lines"]) == (120, 100)
    assert row["chosen_k"] == 4
    assert row["storage_version"] == "v1.4.0+"
    assert row["duckdb_version"] == duckdb.__version__


def test_storage_version_decides_which_duckdb_can_read_the_file(candidates, tmp_path):
    old = publish(candidates["a"], tmp_path / "old", "a")
    new = publish(candidates["a"], tmp_path / "new", "a", storage_version=None)
    assert header_storage_number(old) in DUCKDB_14_READABLE
    assert header_storage_number(new) not in DUCKDB_14_READABLE
    with duckdb.connect(str(new), read_only=True) as con:
        tag = con.execute("SELECT storage_version FROM publish_metadata").fetchall()
    assert tag == [(f"v{duckdb.__version__}+",)]


def test_modes_of_folder_and_file_are_set_whatever_the_umask(candidates, tmp_path):
    old_umask = os.umask(0o077)
    try:
        default = publish(candidates["a"], tmp_path / "d", "a")
        custom = publish(
            candidates["a"], tmp_path / "c", "a", dir_mode=0o755, file_mode=0o644
        )
    finally:
        os.umask(old_umask)
    assert stat.S_IMODE(default.parent.stat().st_mode) == 0o750
    assert stat.S_IMODE(default.stat().st_mode) == 0o640
    assert stat.S_IMODE(custom.parent.stat().st_mode) == 0o755
    assert stat.S_IMODE(custom.stat().st_mode) == 0o644


SNAPSHOT_SQL = (
    "SELECT (SELECT build_id FROM publish_metadata), count(*), "
    "min(label), max(label) FROM customer_segments"
)


def read_in_other_process(path) -> list:
    """What a BI tool (another process) opening `path` now reads."""
    code = (
        "import duckdb, json, sys\n"
        "con = duckdb.connect(sys.argv[1], read_only=True)\n"
        f"print(json.dumps(con.execute({SNAPSHOT_SQL!r}).fetchall()))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(path)],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return [tuple(row) for row in json.loads(done.stdout)]


def test_open_reader_keeps_old_data_and_new_reader_sees_new(candidates, tmp_path):
    published = publish(candidates["a"], tmp_path, "build_a")
    old_reader = duckdb.connect(str(published), read_only=True)
    try:
        # The open read-only connection does not stop the publish.
        publish(candidates["b"], tmp_path, "build_b")
        old_rows = old_reader.execute(SNAPSHOT_SQL).fetchall()
        new_rows = read_in_other_process(published)
        # DuckDB caches one database instance per path and process: while
        # old_reader is open, a new connection in this process shares it.
        with duckdb.connect(str(published), read_only=True) as same_process:
            shared_rows = same_process.execute(SNAPSHOT_SQL).fetchall()
    finally:
        old_reader.close()
    with duckdb.connect(str(published), read_only=True) as after_close:
        reopened_rows = after_close.execute(SNAPSHOT_SQL).fetchall()
    assert old_rows == [("build_a", 1_000, "a", "a")]
    assert new_rows == [("build_b", 2_500, "b", "b")]
    assert shared_rows == old_rows
    assert reopened_rows == new_rows


def test_missing_table_fails_and_leaves_the_published_file(candidates, tmp_path):
    published = publish(candidates["a"], tmp_path, "build_a")
    before = sha256(published)
    with pytest.raises(PublishError) as raised:
        publish_candidate(
            candidates["b"],
            tmp_path,
            tables=[*TABLES, "cluster_profiles"],
            metadata=metadata("build_b"),
        )
    message = str(raised.value)
    assert "no table cluster_profiles" in message
    assert f"{published} is unchanged" in message
    assert sha256(published) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        ".segments.lock",
        "segments.duckdb",
    ]


def test_missing_candidate_fails_clearly(tmp_path):
    with pytest.raises(PublishError, match="does not exist"):
        publish(tmp_path / "nope.duckdb", tmp_path, "x")


def test_stale_working_files_of_a_killed_run_are_removed(candidates, tmp_path):
    stale = [
        tmp_path / ".segments.build_x.4242.tmp.duckdb",
        tmp_path / ".segments.build_x.4242.tmp.duckdb.wal",
    ]
    for path in stale:
        path.write_bytes(b"half a file")
    (tmp_path / ".segments.build_x.4242.tmp.duckdb.spill").mkdir()
    (tmp_path / "notes.txt").write_text("not ours")
    publish(candidates["a"], tmp_path, "a")
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        ".segments.lock",
        "notes.txt",
        "segments.duckdb",
    ]


def test_naive_built_at_is_refused():
    with pytest.raises(ValueError, match="timezone-aware"):
        PublishMetadata("b", dt.datetime(2026, 1, 1))
