"""The `publish_metadata` table: one row in every published file that says
which build it holds, so a BI user (or an incident review) can tell what they
are looking at without access to the pipeline's logs."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

import duckdb

from segmentation.publish.sql_text import literal, quote

METADATA_TABLE = "publish_metadata"
TABLE_COMMENT = "Which build this file holds: one row, written when it was published."

# Each column: its name and SQL type on one line, then its description,
# indented (the description becomes the column comment, which BI tools that
# read DuckDB comments show).
_COLUMNS_TEXT = """
build_id VARCHAR NOT NULL
    Id of the build this file was copied from.
built_at TIMESTAMPTZ NOT NULL
    When the build started (UTC).
published_at TIMESTAMPTZ NOT NULL
    When this file was written (UTC).
as_of_date DATE
    Date the RFM figures are computed as of.
reporting_currency VARCHAR
    Currency of every amount in this file (var reporting_currency).
input_order_lines BIGINT
    Raw order lines read from all inputs.
clean_order_lines BIGINT
    Order lines that passed validation.
quarantined_order_lines BIGINT
    Order lines set aside with a reason.
after_as_of_order_lines BIGINT
    Order lines dated on or after the as-of date (outside the window).
input_order_lines_by_source MAP(VARCHAR, BIGINT)
    Raw order lines per input (var order_inputs name).
table_row_counts MAP(VARCHAR, BIGINT) NOT NULL
    Rows of each published table, counted in this file.
chosen_k INTEGER
    Number of K-means clusters chosen; null: none.
dbt_version VARCHAR
    dbt-core version that ran the build.
project_version VARCHAR
    `version` of dbt_project.yml.
storage_version VARCHAR NOT NULL
    Oldest DuckDB storage format that reads this file (e.g. v1.4.0+).
duckdb_version VARCHAR NOT NULL
    DuckDB library that wrote this file.
candidate_path VARCHAR
    The tested build file this copy came from.
dbt_tests_passed INTEGER
    dbt data and unit tests of the build that passed; null: not known.
dbt_tests_warned INTEGER
    dbt data tests of the build that warned (a warning does not stop it).
"""


def _parse_columns(text: str) -> tuple[tuple[str, str, str], ...]:
    """(name, SQL type, description) of each column of `text`."""
    lines = text.strip().splitlines()
    columns = []
    for header, description in zip(lines[::2], lines[1::2], strict=True):
        name, sql_type = header.split(" ", 1)
        columns.append((name, sql_type, description.strip()))
    return tuple(columns)


METADATA_COLUMNS: tuple[tuple[str, str, str], ...] = _parse_columns(_COLUMNS_TEXT)


@dataclass(frozen=True)
class PublishMetadata:
    """What the caller knows about a build; the publish step adds the rest
    (published_at, table_row_counts, storage_version, duckdb_version)."""

    build_id: str
    built_at: dt.datetime
    as_of_date: dt.date | None = None
    reporting_currency: str | None = None
    input_order_lines: int | None = None
    clean_order_lines: int | None = None
    quarantined_order_lines: int | None = None
    after_as_of_order_lines: int | None = None
    input_order_lines_by_source: Mapping[str, int] = field(default_factory=dict)
    chosen_k: int | None = None
    dbt_version: str | None = None
    project_version: str | None = None
    candidate_path: str | None = None
    dbt_tests_passed: int | None = None
    dbt_tests_warned: int | None = None

    def __post_init__(self) -> None:
        # A naive timestamp would be read in whatever zone the reader's
        # session uses; refuse it rather than publish a wrong time.
        if self.built_at.tzinfo is None:
            raise ValueError("PublishMetadata.built_at must be timezone-aware")
        if not self.build_id:
            raise ValueError("PublishMetadata.build_id must not be empty")


def write_metadata_table(
    con: duckdb.DuckDBPyConnection,
    database: str,
    metadata: PublishMetadata,
    *,
    table_row_counts: Mapping[str, int],
    storage_version: str,
) -> None:
    """Create `<database>.main.publish_metadata` holding one row."""
    target = f"{quote(database)}.main.{METADATA_TABLE}"
    columns = ",\n    ".join(
        f"{name} {sql_type}" for name, sql_type, _ in METADATA_COLUMNS
    )
    con.execute(f"CREATE TABLE {target} (\n    {columns}\n)")
    by_source = dict(metadata.input_order_lines_by_source)
    con.execute(
        f"""
        INSERT INTO {target} VALUES (
            ?, ?, ?, ?, ?, ?, ?, ?, ?,
            map(?::VARCHAR[], ?::BIGINT[]), map(?::VARCHAR[], ?::BIGINT[]),
            ?, ?, ?, ?, ?, ?, ?, ?
        )
        """,
        [
            metadata.build_id,
            metadata.built_at.astimezone(dt.UTC),
            dt.datetime.now(dt.UTC),
            metadata.as_of_date,
            metadata.reporting_currency,
            metadata.input_order_lines,
            metadata.clean_order_lines,
            metadata.quarantined_order_lines,
            metadata.after_as_of_order_lines,
            list(by_source),
            list(by_source.values()),
            list(table_row_counts),
            list(table_row_counts.values()),
            metadata.chosen_k,
            metadata.dbt_version,
            metadata.project_version,
            storage_version,
            duckdb.__version__,
            metadata.candidate_path,
            metadata.dbt_tests_passed,
            metadata.dbt_tests_warned,
        ],
    )
    con.execute(f"COMMENT ON TABLE {target} IS {literal(TABLE_COMMENT)}")
    for name, _, description in METADATA_COLUMNS:
        con.execute(f"COMMENT ON COLUMN {target}.{name} IS {literal(description)}")
