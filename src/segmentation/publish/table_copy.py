"""Copy chosen tables of a candidate build into a new DuckDB file.

Real tables, not views: a view would point back into the candidate file,
which the pipeline deletes later and which a reader may not be allowed to
open. The new file gets the storage version older BI clients can read; it is
fixed when the file is created, so it is given at ATTACH time.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import NamedTuple

import duckdb

from segmentation.publish.memory_limit import memory_limit
from segmentation.publish.metadata import (
    METADATA_TABLE,
    PublishMetadata,
    write_metadata_table,
)
from segmentation.publish.sql_text import literal, qualified, quote

TARGET_ALIAS = "publish_target"
RESERVED_ALIASES = {"memory", "system", "temp", "main", TARGET_ALIAS}


class TableRef(NamedTuple):
    """A table to publish: schema and name, the same in source and copy."""

    schema: str
    name: str

    @classmethod
    def parse(cls, text: str) -> TableRef:
        """`name` (schema main) or `schema.name`."""
        schema, _, name = text.rpartition(".")
        if not name:
            raise ValueError(f"empty table name in {text!r}")
        return cls(schema or "main", name)

    def __str__(self) -> str:
        return self.name if self.schema == "main" else f"{self.schema}.{self.name}"


class CandidateContentError(Exception):
    """The candidate lacks what was asked for (not an I/O failure)."""


def candidate_alias(candidate: Path) -> str:
    """Attach the candidate under its own file stem, the catalog name dbt-duckdb
    gave it, so views inside it that name their catalog still resolve."""
    stem = candidate.stem
    return "candidate" if stem.lower() in RESERVED_ALIASES else stem


def write_published_copy(
    candidate: Path,
    target: Path,
    tables: Sequence[TableRef],
    metadata: PublishMetadata,
    storage_version: str | None,
) -> dict[str, int]:
    """Write `target` (which must not exist) with `tables` copied from
    `candidate` plus the metadata table; return the row count of each table."""
    con = duckdb.connect(
        ":memory:",
        config={"temp_directory": f"{target}.spill", "memory_limit": memory_limit()},
    )
    try:
        source = candidate_alias(candidate)
        con.execute(f"ATTACH {literal(str(candidate))} AS {quote(source)} (READ_ONLY)")
        options = ""
        if storage_version:
            options = f" (STORAGE_VERSION {literal(storage_version)})"
        con.execute(f"ATTACH {literal(str(target))} AS {TARGET_ALIAS}{options}")
        _check_tables(con, source, tables)
        row_counts = {}
        for ref in tables:
            row_counts[str(ref)] = _copy_table(con, source, ref)
        write_metadata_table(
            con,
            TARGET_ALIAS,
            metadata,
            table_row_counts=row_counts,
            storage_version=storage_tag(con, TARGET_ALIAS),
        )
        con.execute(f"CHECKPOINT {TARGET_ALIAS}")
        con.execute(f"DETACH {TARGET_ALIAS}")
        return row_counts
    finally:
        con.close()


def storage_tag(con: duckdb.DuckDBPyConnection, database: str) -> str:
    """DuckDB's own label of an attached file's storage version (`v1.4.0+`)."""
    rows = con.execute(
        "SELECT tags['storage_version'] FROM duckdb_databases() "
        "WHERE database_name = ?",
        [database],
    ).fetchall()
    value = rows[0][0] if rows else None
    if isinstance(value, list):  # older DuckDB: a map lookup returns a list
        value = value[0] if value else None
    return value or "unknown"


def _relations(con: duckdb.DuckDBPyConnection, database: str) -> set[tuple[str, str]]:
    rows = con.execute(
        "SELECT schema_name, table_name FROM duckdb_tables() WHERE database_name = ?"
        " UNION ALL "
        "SELECT schema_name, view_name FROM duckdb_views() WHERE database_name = ?",
        [database, database],
    ).fetchall()
    return {(schema.lower(), name.lower()) for schema, name in rows}


def _check_tables(
    con: duckdb.DuckDBPyConnection, source: str, tables: Sequence[TableRef]
) -> None:
    if not tables:
        raise CandidateContentError("no tables to publish were given")
    present = _relations(con, source)
    missing = [
        str(t) for t in tables if (t.schema.lower(), t.name.lower()) not in present
    ]
    if missing:
        raise CandidateContentError(
            "the candidate has no table " + ", ".join(sorted(missing))
        )
    if any(t.name.lower() == METADATA_TABLE for t in tables):
        raise CandidateContentError(
            f"a table to publish is named {METADATA_TABLE}, which the publish "
            "step writes itself"
        )


def _copy_table(con: duckdb.DuckDBPyConnection, source: str, ref: TableRef) -> int:
    """Copy one table (or a view's rows) with its comments; return its rows."""
    con.execute(f"CREATE SCHEMA IF NOT EXISTS {TARGET_ALIAS}.{quote(ref.schema)}")
    target = qualified(TARGET_ALIAS, ref.schema, ref.name)
    con.execute(
        f"CREATE TABLE {target} AS "
        f"SELECT * FROM {qualified(source, ref.schema, ref.name)}"
    )
    _copy_comments(con, source, ref, target)
    return con.execute(f"SELECT count(*) FROM {target}").fetchall()[0][0]


def _copy_comments(
    con: duckdb.DuckDBPyConnection, source: str, ref: TableRef, target: str
) -> None:
    """Keep dbt's persisted descriptions: BI tools show them as help text."""
    where = "database_name = ? AND schema_name = ? AND {name} = ? AND comment <> ''"
    params = [source, ref.schema, ref.name]
    for view, name_col in (
        ("duckdb_tables()", "table_name"),
        ("duckdb_views()", "view_name"),
    ):
        for (comment,) in con.execute(
            f"SELECT comment FROM {view} WHERE " + where.format(name=name_col), params
        ).fetchall():
            con.execute(f"COMMENT ON TABLE {target} IS {literal(comment)}")
    columns = con.execute(
        "SELECT column_name, comment FROM duckdb_columns() WHERE "
        + where.format(name="table_name"),
        params,
    ).fetchall()
    for column, comment in columns:
        con.execute(f"COMMENT ON COLUMN {target}.{quote(column)} IS {literal(comment)}")
