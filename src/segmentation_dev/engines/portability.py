"""Checks that keep the SQL portable between DuckDB and Spark.

- No double-quoted identifiers: Spark reads "col" as a string literal and
  says nothing, so a model would compare a column with its own name and
  still run. Identifiers are left unquoted (or go through adapter.quote).
- Every NTILE orders by a unique tie-breaker (an `..._id` column last):
  without one, engines split equal values across buckets differently, and
  the same customer gets a different score on each.

Both work on SQL text: a model's source with its Jinja removed, or the SQL
dbt compiled for an engine.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

_JINJA = re.compile(r"\{#.*?#\}|\{%.*?%\}|\{\{.*?\}\}", re.DOTALL)
# SQL string literals ('it''s' and Spark's 'it\'s'), then line and block
# comments: what is left is code, where a double quote can only start an
# identifier.
_LITERALS_AND_COMMENTS = re.compile(
    r"'(?:[^'\\]|\\.|'')*'|--[^\n]*|/\*.*?\*/", re.DOTALL
)
_NTILE = re.compile(r"\bntile\s*\(", re.IGNORECASE)


@dataclass(frozen=True)
class Finding:
    """One place that breaks a rule."""

    path: str
    line: int
    text: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.text}"


def _blank(match: re.Match) -> str:
    """The match replaced by spaces, line breaks kept, so line numbers hold."""
    return re.sub(r"[^\n]", " ", match.group(0))


def strip_jinja(sql: str) -> str:
    """SQL source with every Jinja tag, expression and comment blanked."""
    return _JINJA.sub(_blank, sql)


def code_only(sql: str) -> str:
    """SQL with string literals and comments blanked."""
    return _LITERALS_AND_COMMENTS.sub(_blank, sql)


def double_quoted_identifiers(sql: str, path: str = "<sql>") -> list[Finding]:
    """Each line of `sql` (Jinja already removed or rendered) that has a
    double quote outside string literals and comments."""
    code = code_only(sql)
    original = sql.splitlines()
    return [
        Finding(path, number, original[number - 1].strip())
        for number, line in enumerate(code.splitlines(), start=1)
        if '"' in line
    ]


def _over_clause(code: str, start: int) -> str | None:
    """The parenthesised window after the `over` that follows position
    `start` (just past an ntile's own argument list), or None."""
    match = re.compile(r"\s*over\s*\(", re.IGNORECASE).match(code, start)
    if not match:
        return None
    depth, position = 1, match.end()
    while position < len(code) and depth:
        depth += {"(": 1, ")": -1}.get(code[position], 0)
        position += 1
    return code[match.end() : position - 1]


def ntiles_without_tie_breaker(sql: str, path: str = "<sql>") -> list[Finding]:
    """Each NTILE whose ORDER BY does not end with an `..._id` column."""
    code = code_only(sql)
    findings = []
    for match in _NTILE.finditer(code):
        depth, position = 1, match.end()
        while position < len(code) and depth:
            depth += {"(": 1, ")": -1}.get(code[position], 0)
            position += 1
        window = _over_clause(code, position)
        line = code.count("\n", 0, match.start()) + 1
        order_by = (
            re.split(r"\border\s+by\b", window, flags=re.IGNORECASE)
            if window is not None
            else []
        )
        last_key = order_by[-1].split(",")[-1].split() if len(order_by) > 1 else []
        if not last_key or not re.fullmatch(r"(\w+\.)?\w*_id", last_key[0].lower()):
            findings.append(Finding(path, line, sql.splitlines()[line - 1].strip()))
    return findings


def scan_sources(project_dir: Path, folders: tuple[str, ...]) -> list[Finding]:
    """Both checks over every .sql file under `folders`, Jinja removed."""
    findings = []
    for folder in folders:
        for file in sorted((project_dir / folder).rglob("*.sql")):
            sql = strip_jinja(file.read_text())
            relative = str(file.relative_to(project_dir))
            findings += double_quoted_identifiers(sql, relative)
            findings += ntiles_without_tie_breaker(sql, relative)
    return findings
