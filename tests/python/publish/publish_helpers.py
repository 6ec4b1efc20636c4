"""Shared by the publish tests: real candidate DuckDB files of any size, and
ways to read back which build a published file holds."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import subprocess
import sys
from pathlib import Path

import duckdb

from segmentation.publish import PublishMetadata

CHILD = Path(__file__).with_name("publish_child.py")
TABLES = ["customer_segments", "segment_summary"]


def make_candidate(path: Path, *, customers: int, label: str) -> Path:
    """A candidate with the two tables the tests publish, a view and an
    intermediate table that must not be published, and dbt-style comments.
    `label` is written into every row, so a mix of builds would show."""
    with duckdb.connect(str(path)) as con:
        con.execute(
            "CREATE TABLE customer_segments AS SELECT range AS customer_id, "
            "'segment_' || (range % 11) AS segment_name, "
            "(range * 7919 % 1000) / 10.0 AS monetary, "
            "DATE '2024-06-01' AS as_of_date, ? AS label FROM range(?)",
            [label, customers],
        )
        con.execute(
            "CREATE TABLE segment_summary AS SELECT segment_name, count(*) AS "
            "customers, any_value(label) AS label FROM customer_segments GROUP BY ALL"
        )
        con.execute("CREATE TABLE int_scratch AS SELECT 1 AS x")
        con.execute(
            "CREATE VIEW recent_segments AS SELECT * FROM customer_segments LIMIT 10"
        )
        con.execute("COMMENT ON TABLE customer_segments IS 'One row per customer.'")
        con.execute(
            "COMMENT ON COLUMN customer_segments.segment_name IS 'Named RFM segment.'"
        )
    return path


def make_candidates(folder: Path, customers: dict[str, int]) -> dict[str, Path]:
    """One candidate per name in `customers`, with that many customers, in
    `folder`/<name>.duckdb and every row labelled with the name."""
    return {
        name: make_candidate(folder / f"{name}.duckdb", customers=count, label=name)
        for name, count in customers.items()
    }


def metadata(build_id: str, **extra) -> PublishMetadata:
    return PublishMetadata(build_id, dt.datetime.now(dt.UTC), **extra)


def read_build(published: Path) -> dict:
    """Which build a published file holds, checked for completeness: the
    metadata's row counts must match the tables, and every row carries the
    one label of its build."""
    with duckdb.connect(str(published), read_only=True) as con:
        build_id, counts = con.execute(
            "SELECT build_id, table_row_counts FROM publish_metadata"
        ).fetchall()[0]
        actual = {
            table: con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0]
            for table in counts
        }
        labels = {
            row[0]
            for table in counts
            for row in con.execute(f"SELECT DISTINCT label FROM {table}").fetchall()
        }
    return {"build_id": build_id, "counts": counts, "actual": actual, "labels": labels}


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def child_args(publish_dir: Path, steps: list[dict], announce: bool = False) -> list:
    """Command line of publish_child.py for `steps` into `publish_dir`."""
    spec = {"publish_dir": str(publish_dir), "steps": steps, "announce": announce}
    return [sys.executable, str(CHILD), json.dumps(spec)]


def step(candidate: Path, build_id: str, **extra) -> dict:
    return {
        "candidate": str(candidate),
        "build_id": build_id,
        "tables": TABLES,
        **extra,
    }


def run_child(args: list, **kwargs) -> tuple[int, dict | None, str]:
    """Run a child to its end: exit code, its JSON report, its stderr."""
    done = subprocess.run(args, capture_output=True, text=True, timeout=120, **kwargs)
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    return done.returncode, (json.loads(lines[-1]) if lines else None), done.stderr
