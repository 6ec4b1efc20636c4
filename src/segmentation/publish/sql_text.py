"""Quoting for the DuckDB statements that take no parameters (ATTACH,
COMMENT ON, identifiers), so paths and names with quotes cannot break them."""

from __future__ import annotations


def quote(identifier: str) -> str:
    """A DuckDB identifier in double quotes."""
    return '"' + identifier.replace('"', '""') + '"'


def literal(text: str) -> str:
    """A DuckDB string literal."""
    return "'" + text.replace("'", "''") + "'"


def qualified(database: str, schema: str, name: str) -> str:
    """database.schema.name, each part quoted."""
    return f"{quote(database)}.{quote(schema)}.{quote(name)}"
