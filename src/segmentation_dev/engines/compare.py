"""Row-for-row comparison of the same table built by two engines.

Both sides are read into one DuckDB connection (the DuckDB build attached
read-only, the other engine's table from the Parquet files it wrote) and
compared as multisets of rows with EXCEPT ALL both ways: equal when every row
of one side is in the other as often, whatever order the engines wrote them
in. Values are compared exactly (decimals as decimals, doubles bit for bit,
text byte for byte): no tolerance, since every figure the project computes is
an exact decimal sum, a count, or one IEEE division of such values.

The one exception is a table whose doubles are sums of many doubles (the
SQL K-means centroids): engines add them in different orders, so they agree
to rounding, not bit for bit. For such a table the caller gives a relative
tolerance: every other column still has to match exactly, as a multiset,
and each double is then compared with its row's counterpart, matched on all
the other columns (which must identify a row on both sides).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import duckdb

SAMPLE_ROWS = 5

# Type families: an engine may store a count as INTEGER where another uses
# BIGINT; a decimal turning into a double, or a number into text, is a
# real difference.
_FAMILIES = {
    "TINYINT": "integer",
    "SMALLINT": "integer",
    "INTEGER": "integer",
    "BIGINT": "integer",
    "HUGEINT": "integer",
    "FLOAT": "float",
    "DOUBLE": "float",
    "VARCHAR": "text",
    "BOOLEAN": "boolean",
    "DATE": "date",
    "TIMESTAMP": "timestamp",
    "TIMESTAMP WITH TIME ZONE": "timestamp",
}


def type_family(duckdb_type: str) -> str:
    """The family of a DuckDB type name: DECIMAL(18,4) -> 'decimal'."""
    name = duckdb_type.upper()
    if name.startswith("DECIMAL"):
        return "decimal"
    return _FAMILIES.get(name, name.lower())


@dataclass
class TableComparison:
    """The verdict on one table."""

    table: str
    left_rows: int = 0
    right_rows: int = 0
    problems: list[str] = field(default_factory=list)
    only_left: list[tuple] = field(default_factory=list)
    only_right: list[tuple] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)
    # Doubles compared within a relative tolerance, not bit for bit.
    tolerant: list[str] = field(default_factory=list)
    rel_tol: float | None = None

    @property
    def identical(self) -> bool:
        return not self.problems

    def report(self, left_name: str, right_name: str) -> str:
        """One line when identical; the differences, with sample rows, when not."""
        if self.identical:
            within = (
                f"; {', '.join(self.tolerant)} within {self.rel_tol:g} relative"
                if self.tolerant
                else ""
            )
            return (
                f"{self.table}: identical ({self.left_rows:,} rows, "
                f"{len(self.columns) + len(self.tolerant)} columns{within})"
            )
        lines = [f"{self.table}: DIFFERENT"]
        lines += [f"  - {problem}" for problem in self.problems]
        for name, rows in ((left_name, self.only_left), (right_name, self.only_right)):
            if rows:
                lines.append(f"  rows only on {name} (first {len(rows)}):")
                lines.append("    " + " | ".join(self.columns))
                lines += ["    " + " | ".join(map(repr, row)) for row in rows]
        return "\n".join(lines)


def _columns(con: duckdb.DuckDBPyConnection, relation: str) -> dict[str, str]:
    described = con.sql(f"describe select * from {relation}").fetchall()
    return {row[0]: row[1] for row in described}


def compare_relations(
    con: duckdb.DuckDBPyConnection,
    table: str,
    left: str,
    right: str,
    float_rel_tol: float | None = None,
) -> TableComparison:
    """Compare relation `left` with relation `right` (SQL text DuckDB can
    select from) row for row; `table` names them in the verdict.
    `float_rel_tol`: compare double columns within this relative tolerance
    (absolute below 1) instead of bit for bit."""
    result = TableComparison(table)
    left_columns = _columns(con, left)
    right_columns = _columns(con, right)
    lower_right = {name.lower(): name for name in right_columns}
    missing = [c for c in left_columns if c.lower() not in lower_right]
    lower_left = {name.lower() for name in left_columns}
    extra = [c for c in right_columns if c.lower() not in lower_left]
    if missing:
        result.problems.append(f"columns missing on the right: {missing}")
    if extra:
        result.problems.append(f"columns only on the right: {extra}")
    shared = [c for c in left_columns if c.lower() in lower_right]
    for column in shared:
        left_family = type_family(left_columns[column])
        right_family = type_family(right_columns[lower_right[column]])
        if left_family != right_family:
            result.problems.append(
                f"column {column}: {left_columns[column]} vs "
                f"{right_columns[lower_right[column]]}"
            )
    result.columns = shared
    floats = [c for c in shared if type_family(left_columns[c]) == "float"]
    if float_rel_tol is not None and floats:
        exact = [c for c in shared if c not in floats]
        result.columns = exact
        result.tolerant, result.rel_tol = floats, float_rel_tol
        _compare_floats(
            con, result, left, right, exact, floats, lower_right, float_rel_tol
        )
        shared = exact
    left_select = ", ".join(f'"{c}"' for c in shared)
    right_select = ", ".join(f'"{lower_right[c]}"' for c in shared)
    left_sql = f"select {left_select} from {left}"
    right_sql = f"select {right_select} from {right}"
    result.left_rows = con.sql(f"select count(*) from {left}").fetchall()[0][0]
    result.right_rows = con.sql(f"select count(*) from {right}").fetchall()[0][0]
    if result.left_rows != result.right_rows:
        result.problems.append(
            f"row counts differ: {result.left_rows:,} vs {result.right_rows:,}"
        )
    if not shared:
        return result
    only_left_sql = f"({left_sql}) except all ({right_sql})"
    only_right_sql = f"({right_sql}) except all ({left_sql})"
    only_left = con.sql(f"select count(*) from ({only_left_sql})").fetchall()[0][0]
    only_right = con.sql(f"select count(*) from ({only_right_sql})").fetchall()[0][0]
    if only_left or only_right:
        result.problems.append(
            f"{only_left:,} rows only on the left, {only_right:,} only on the right"
        )
        order = ", ".join(str(i + 1) for i in range(len(shared)))
        result.only_left = con.sql(
            f"select * from ({only_left_sql}) order by {order} limit {SAMPLE_ROWS}"
        ).fetchall()
        result.only_right = con.sql(
            f"select * from ({only_right_sql}) order by {order} limit {SAMPLE_ROWS}"
        ).fetchall()
    return result


def _compare_floats(
    con: duckdb.DuckDBPyConnection,
    result: TableComparison,
    left: str,
    right: str,
    keys: list[str],
    floats: list[str],
    lower_right: dict[str, str],
    rel_tol: float,
) -> None:
    """Each double of `left` against its row of `right`, matched on `keys`:
    adds a problem for every double further apart than `rel_tol`."""
    if not keys:
        result.problems.append("no exact column to match rows on for the doubles")
        return
    for side, relation, names in (
        ("left", left, keys),
        ("right", right, [lower_right[k] for k in keys]),
    ):
        key_list = ", ".join(f'"{k}"' for k in names)
        repeated = con.sql(
            f"select count(*) from (select {key_list} from {relation}"
            f" group by all having count(*) > 1)"
        ).fetchall()[0][0]
        if repeated:
            result.problems.append(
                f"{repeated:,} key values repeated on the {side}: the doubles"
                " cannot be matched row to row"
            )
            return
    join = " and ".join(
        f'l."{k}" is not distinct from r."{lower_right[k]}"' for k in keys
    )
    for column in floats:
        far = (
            f'abs(l."{column}" - r."{lower_right[column]}") > {rel_tol!r} * '
            f'greatest(abs(l."{column}"), abs(r."{lower_right[column]}"), 1.0)'
            f' or (l."{column}" is null) <> (r."{lower_right[column]}" is null)'
        )
        count, worst = con.sql(
            f"select count(*) filter (where {far}),"
            f' max(abs(l."{column}" - r."{lower_right[column]}"))'
            f" from {left} as l join {right} as r on {join}"
        ).fetchall()[0]
        if count:
            result.problems.append(
                f"column {column}: {count:,} values further apart than"
                f" {rel_tol:g} relative (largest difference {worst:g})"
            )
