"""The SQL stays portable between DuckDB and Spark, and the DuckDB-vs-Spark
comparison of `make test-spark` catches a difference of one value.

Cheap: no dbt, no Spark. The Spark side is played by Parquet files, which is
what the comparison reads from a Spark build."""

from __future__ import annotations

import json
import math
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from segmentation_dev.engines.compare import compare_relations
from segmentation_dev.engines.portability import (
    double_quoted_identifiers,
    ntiles_without_tie_breaker,
    scan_sources,
    strip_jinja,
)
from segmentation_dev.engines.spark_check import Build

PROJECT_DIR = Path(__file__).resolve().parents[2]
SQL_FOLDERS = ("models", "macros", "tests", "snapshots", "analyses")


def test_project_sql_has_no_double_quoted_identifier_and_no_ntile_without_tie_breaker():
    findings = scan_sources(PROJECT_DIR, SQL_FOLDERS)
    assert not findings, "\n".join(map(str, findings))


def test_scan_finds_a_double_quoted_identifier_but_not_quotes_in_text():
    sql = strip_jinja(
        '{# "a comment" #}\nselect\n    "Customer ID" as customer_id,\n'
        '    \'say "hi"\' as greeting, -- "also fine"\n'
        '    {{ adapter.quote("Invoice") }} as order_id\nfrom orders'
    )
    findings = double_quoted_identifiers(sql, "model.sql")
    assert [(f.line, f.text) for f in findings] == [
        (3, '"Customer ID" as customer_id,')
    ]


@pytest.mark.parametrize(
    ("window", "flagged"),
    [
        ("order by monetary", True),
        ("order by monetary desc", True),
        ("", True),
        ("order by monetary, customer_id", False),
        (
            "partition by as_of_date order by recency_days desc, c.customer_id asc",
            False,
        ),
    ],
)
def test_ntile_needs_an_id_as_its_last_order_key(window, flagged):
    sql = f"select ntile(5) over ({window}) as bucket from customers"
    assert bool(ntiles_without_tie_breaker(sql)) is flagged


def _write_sides(tmp_path: Path, left_rows: list[tuple], right_rows: list[tuple]):
    """A DuckDB file (the DuckDB build) and a Parquet file (what Spark
    writes) holding the same mart, with the given rows."""
    db = tmp_path / "reference.duckdb"
    parquet = tmp_path / "part-00000.parquet"
    with duckdb.connect(str(db)) as con:
        con.sql(
            "create table customer_segments (customer_id varchar,"
            " r_score integer, monetary_total decimal(18, 4), share double)"
        )
        con.executemany("insert into customer_segments values (?, ?, ?, ?)", left_rows)
    with duckdb.connect() as con:
        # Spark writes integers as INT32 or INT64: a width change is no
        # difference, so the Parquet side uses BIGINT.
        con.sql(
            "create table spark_side (customer_id varchar, r_score bigint,"
            " monetary_total decimal(38, 4), share double)"
        )
        con.executemany("insert into spark_side values (?, ?, ?, ?)", right_rows)
        con.sql(f"copy spark_side to '{parquet}' (format parquet)")
    con = duckdb.connect()
    con.sql(f"attach '{db}' as reference (read_only)")
    return con, "reference.main.customer_segments", f"read_parquet('{parquet}')"


ROWS = [
    ("12346", 1, Decimal("77556.4600"), 1 / 3),
    ("12347", 5, Decimal("4921.5300"), 2 / 3),
    ("12348", 3, Decimal("-12.0100"), 0.1 + 0.2),
]


def test_same_rows_in_another_order_are_identical(tmp_path):
    con, left, right = _write_sides(tmp_path, ROWS, list(reversed(ROWS)))
    result = compare_relations(con, "customer_segments", left, right)
    assert result.identical, result.report("DuckDB", "Spark")
    assert result.left_rows == result.right_rows == 3


def test_one_cent_of_difference_fails_and_shows_both_rows(tmp_path):
    changed = [*ROWS[:2], (ROWS[2][0], ROWS[2][1], Decimal("-12.0000"), ROWS[2][3])]
    con, left, right = _write_sides(tmp_path, ROWS, changed)
    result = compare_relations(con, "customer_segments", left, right)
    assert not result.identical
    assert result.only_left == [("12348", 3, Decimal("-12.0100"), 0.1 + 0.2)]
    assert result.only_right == [("12348", 3, Decimal("-12.0000"), 0.1 + 0.2)]
    assert "12348" in result.report("DuckDB", "Spark")


def test_a_double_one_ulp_off_fails(tmp_path):
    share = ROWS[0][3]
    changed = [(*ROWS[0][:3], math.nextafter(share, 1.0)), *ROWS[1:]]
    con, left, right = _write_sides(tmp_path, ROWS, changed)
    assert not compare_relations(con, "customer_segments", left, right).identical


def test_a_missing_or_repeated_row_fails(tmp_path):
    con, left, right = _write_sides(tmp_path, ROWS, [*ROWS[:2], ROWS[1]])
    result = compare_relations(con, "customer_segments", left, right)
    assert not result.identical
    assert result.only_left and result.only_right


def test_a_number_stored_as_text_fails(tmp_path):
    con, left, _ = _write_sides(tmp_path, ROWS, ROWS)
    as_text = (
        "(select customer_id, cast(r_score as varchar) as r_score, monetary_total,"
        f" share from {left})"
    )
    result = compare_relations(con, "customer_segments", left, as_text)
    assert any("r_score" in problem for problem in result.problems)


def test_marts_are_discovered_from_the_manifest(tmp_path):
    nodes = {
        "model.p.customer_segments": {
            "resource_type": "model",
            "name": "customer_segments",
            "original_file_path": "models/marts/customer_segments.sql",
        },
        "model.p.kmeans_segments": {
            "resource_type": "model",
            "name": "kmeans_segments",
            "original_file_path": "models/marts/clusters/kmeans_segments.sql",
        },
        "model.p.int_orders_aggregated": {
            "resource_type": "model",
            "name": "int_orders_aggregated",
            "original_file_path": "models/intermediate/int_orders_aggregated.sql",
        },
        "test.p.unique_x": {
            "resource_type": "test",
            "name": "unique_x",
            "original_file_path": "models/marts/_marts__models.yml",
        },
    }
    nodes["model.p.segment_coverage"] = {
        "resource_type": "model",
        "name": "segment_coverage",
        "original_file_path": "models/marts/segment_coverage.sql",
    }
    (tmp_path / "manifest.json").write_text(json.dumps({"nodes": nodes}))
    # An ephemeral or excluded model is in the manifest but not in the run.
    results = [
        {
            "unique_id": unique_id,
            "status": "success" if "unique" not in unique_id else "pass",
        }
        for unique_id in nodes
        if not unique_id.endswith("segment_coverage")
    ]
    (tmp_path / "run_results.json").write_text(json.dumps({"results": results}))
    marts = Build("duckdb", tmp_path).marts()
    assert sorted(marts) == ["customer_segments", "kmeans_segments"]


def test_doubles_within_the_tolerance_pass_and_beyond_it_fail(tmp_path):
    near = [(*row[:3], row[3] * (1 + 1e-12)) for row in ROWS]
    con, left, right = _write_sides(tmp_path, ROWS, near)
    assert not compare_relations(con, "customer_segments", left, right).identical
    tolerant = compare_relations(
        con, "customer_segments", left, right, float_rel_tol=1e-9
    )
    assert tolerant.identical, tolerant.report("DuckDB", "Spark")
    far = [(*ROWS[0][:3], ROWS[0][3] * (1 + 1e-6)), *ROWS[1:]]
    (tmp_path / "far").mkdir()
    con, left, right = _write_sides(tmp_path / "far", ROWS, far)
    result = compare_relations(
        con, "customer_segments", left, right, float_rel_tol=1e-9
    )
    assert any("share" in problem for problem in result.problems)


def test_the_tolerance_leaves_the_other_columns_exact(tmp_path):
    moved = [(ROWS[0][0], 4, *ROWS[0][2:]), *ROWS[1:]]
    con, left, right = _write_sides(tmp_path, ROWS, moved)
    result = compare_relations(
        con, "customer_segments", left, right, float_rel_tol=1e-9
    )
    assert not result.identical
    assert result.only_left and result.only_right
