"""One readable line per failed expectation.

GX's results are nested dicts meant for Data Docs; a publish step that stops
needs a line a person can act on in a terminal or CI log: which table and
column, which check, what was expected and what was found.
"""

from __future__ import annotations

import math
from typing import Any

SAMPLE_SIZE = 5


def failure_line(result: Any) -> str:
    """'table.column: check failed (expectation): expected X, observed Y'."""
    config = result.expectation_config
    meta = config.meta or {}
    table = meta.get("table", "?")
    column = meta.get("column") or config.kwargs.get("column")
    where = f"{table}.{column}" if column else table
    check = meta.get("check", config.description or config.type)
    head = f"{where}: {check} failed ({config.type})"
    info = result.exception_info or {}
    if info.get("raised_exception"):
        return f"{head}: error: {info.get('exception_message')}"
    expected = meta.get("expected")
    expected_part = f"expected {expected}, " if expected else ""
    return f"{head}: {expected_part}observed {_observed(result.result or {})}"


def _observed(outcome: dict) -> str:
    if "observed_value" in outcome:
        return _format(outcome["observed_value"])
    bad = outcome.get("unexpected_count")
    if bad is None:
        return "no value"
    total = outcome.get("element_count")
    sample = [_format(v) for v in (outcome.get("partial_unexpected_list") or [])]
    if total == 1 and len(sample) == 1:
        return sample[0]  # a one-row frame, e.g. a segment's share
    text = f"{bad} of {total} rows" if total is not None else f"{bad} rows"
    if sample:
        text += f", e.g. {', '.join(sample[:SAMPLE_SIZE])}"
    return text


def _format(value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "null"  # pandas reads a NULL string as NaN
    if isinstance(value, float):
        return f"{value:.6g}" if abs(value) < 1 else f"{value:.4f}"
    return repr(value) if isinstance(value, str) else str(value)
