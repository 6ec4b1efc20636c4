"""Snapshots outlive builds: every build is a fresh candidate file, so a dbt
snapshot in it would start over each time and record no history. Before
dbt builds the candidate, the snapshot tables of the published file are
copied into it; dbt then adds this build's changes, and the publish step
publishes them with the marts (see manifest.mart_tables)."""

from __future__ import annotations

import re
from pathlib import Path

import duckdb

from segmentation.publish.sql_text import literal, quote

_SNAPSHOT_BLOCK = re.compile(r"{%-?\s*snapshot\s+(\w+)\s*-?%}")


def project_snapshot_names(project_dir: Path) -> list[str]:
    """Names of the snapshots defined under the project's snapshots/ folder."""
    folder = Path(project_dir) / "snapshots"
    names = set()
    for path in folder.glob("**/*.sql") if folder.is_dir() else []:
        names.update(_SNAPSHOT_BLOCK.findall(path.read_text()))
    return sorted(names)


def carry_over_snapshots(
    published: Path, candidate: Path, names: list[str]
) -> list[str]:
    """Copy each named table of the published file (schema main) into the
    new candidate file; return the names copied. Nothing to do when there is
    no published file yet or it lacks the table (the first build)."""
    if not names or not Path(published).exists():
        return []
    copied = []
    with duckdb.connect(str(candidate)) as con:
        con.execute(f"ATTACH {literal(str(published))} AS published (READ_ONLY)")
        present = {
            row[0]
            for row in con.execute(
                "SELECT table_name FROM duckdb_tables() "
                "WHERE database_name = 'published' AND schema_name = 'main'"
            ).fetchall()
        }
        for name in names:
            if name in present:
                con.execute(
                    f"CREATE TABLE main.{quote(name)} AS "
                    f"SELECT * FROM published.main.{quote(name)}"
                )
                copied.append(name)
        con.execute("DETACH published")
    return copied
