"""Build a GX expectation that says in words what it checks and where.

Every expectation of the audit carries meta naming the table, the column, the
check and what was expected, and a description for Data Docs: the failure
lines read the meta, so a stopped publish says what broke where.
"""

from __future__ import annotations

from typing import Any


def expect(
    kind: type,
    *,
    table: str,
    check: str,
    expected: str,
    description: str,
    column: str | None = None,
    reported_column: str | None = None,
    **kwargs: Any,
) -> Any:
    """kind(column=column, **kwargs) with the audit's meta. reported_column
    names the candidate's column when GX checks a derived one (a segment's
    share is checked on a computed frame but is about segment_name)."""
    meta = {
        "table": table,
        "column": reported_column or column,
        "check": check,
        "expected": expected,
    }
    if column is not None:
        kwargs["column"] = column
    return kind(description=description, meta=meta, **kwargs)
