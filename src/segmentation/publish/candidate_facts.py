"""Facts about a candidate build for its `publish_metadata` row, read from
the candidate itself so the row describes exactly the data published."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import yaml

from segmentation.publish.metadata import PublishMetadata


def gather_metadata(
    candidate: Path,
    *,
    build_id: str,
    built_at: dt.datetime,
    dbt_version: str | None,
    project_dir: Path,
    dbt_tests_passed: int | None = None,
    dbt_tests_warned: int | None = None,
) -> PublishMetadata:
    """Metadata of `candidate`; a fact whose table is absent stays null
    (e.g. chosen_k when clustering is disabled)."""
    with duckdb.connect(str(candidate), read_only=True) as con:
        columns = _columns(con)
        lines = _order_lines(con) if "order_line_reconciliation" in columns else {}
        raw = sum(lines.values()) if lines else None
        statuses = _lines_by_status(con, columns) if lines else {}
        return PublishMetadata(
            build_id=build_id,
            built_at=built_at,
            as_of_date=_as_of_date(con, columns),
            reporting_currency=_reporting_currency(con, columns),
            input_order_lines=raw,
            clean_order_lines=statuses.get("clean", 0) if lines else None,
            quarantined_order_lines=statuses.get("quarantined", 0) if lines else None,
            after_as_of_order_lines=(
                statuses.get("after_as_of_date", 0) if lines else None
            ),
            input_order_lines_by_source=lines,
            chosen_k=_chosen_k(con, columns),
            dbt_version=dbt_version,
            project_version=project_version(project_dir),
            candidate_path=str(candidate),
            dbt_tests_passed=dbt_tests_passed,
            dbt_tests_warned=dbt_tests_warned,
        )


def project_version(project_dir: Path) -> str | None:
    """`version` of dbt_project.yml, as text."""
    try:
        project = yaml.safe_load((project_dir / "dbt_project.yml").read_text())
    except FileNotFoundError:
        return None
    version = (project or {}).get("version")
    return None if version is None else str(version)


def _columns(con: duckdb.DuckDBPyConnection) -> dict[str, set[str]]:
    """Column names of each table in the main schema, lower-cased."""
    rows = con.execute(
        "SELECT lower(table_name), lower(column_name) FROM duckdb_columns() "
        "WHERE schema_name = 'main' AND database_name = current_database()"
    ).fetchall()
    columns: dict[str, set[str]] = {}
    for table, column in rows:
        columns.setdefault(table, set()).add(column)
    return columns


def _as_of_date(
    con: duckdb.DuckDBPyConnection, columns: dict[str, set[str]]
) -> dt.date | None:
    if "as_of_date" not in columns.get("customer_segments", set()):
        return None
    return con.execute("SELECT max(as_of_date) FROM customer_segments").fetchall()[0][0]


def _order_lines(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Raw lines per input: order_line_reconciliation has one row per input
    and outcome (clean or a quarantine reason), summing to the raw count."""
    rows = con.execute(
        "SELECT source_name, sum(order_lines)::BIGINT FROM order_line_reconciliation "
        "GROUP BY source_name ORDER BY source_name"
    ).fetchall()
    return dict(rows)


def _lines_by_status(
    con: duckdb.DuckDBPyConnection, columns: dict[str, set[str]]
) -> dict[str, int]:
    """Lines per status (clean, quarantined, after_as_of_date); a
    reconciliation without line_status has clean and quarantined lines."""
    status = (
        "line_status"
        if "line_status" in columns["order_line_reconciliation"]
        else "CASE WHEN outcome = 'clean' THEN 'clean' ELSE 'quarantined' END"
    )
    rows = con.execute(
        f"SELECT {status}, sum(order_lines)::BIGINT FROM order_line_reconciliation "
        "GROUP BY ALL"
    ).fetchall()
    return dict(rows)


def _reporting_currency(
    con: duckdb.DuckDBPyConnection, columns: dict[str, set[str]]
) -> str | None:
    """The currency of every amount (input_reading_log's reporting_currency,
    one value per build); None when the log was not built."""
    if "setting" not in columns.get("input_reading_log", set()):
        return None
    rows = con.execute(
        "SELECT DISTINCT setting_value FROM input_reading_log "
        "WHERE setting = 'reporting_currency' ORDER BY 1"
    ).fetchall()
    return rows[0][0] if rows else None


def _chosen_k(
    con: duckdb.DuckDBPyConnection, columns: dict[str, set[str]]
) -> int | None:
    if not {"k", "is_chosen"} <= columns.get("cluster_model_selection", set()):
        return None
    rows = con.execute(
        "SELECT k FROM cluster_model_selection WHERE is_chosen ORDER BY k"
    ).fetchall()
    return rows[0][0] if rows else None


def existing_tables(candidate: Path) -> set[tuple[str, str]]:
    """(schema, name) of every table and view in `candidate`, lower-cased."""
    with duckdb.connect(str(candidate), read_only=True) as con:
        rows = con.execute(
            "SELECT schema_name, table_name FROM duckdb_tables() "
            "WHERE database_name = current_database() UNION ALL "
            "SELECT schema_name, view_name FROM duckdb_views() "
            "WHERE database_name = current_database()"
        ).fetchall()
    return {(schema.lower(), name.lower()) for schema, name in rows}
