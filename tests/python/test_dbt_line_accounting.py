"""The line accounting test (assert_every_raw_order_line_accounted_for_once)
fails when a line goes missing, is counted twice or appears from nowhere,
and says where. Two generated inputs are built, then the quarantine is
broken by hand in each way. Both implementations of the macro behind it
must give the same rows: DuckDB's bitmaps, which dbt runs, and the join the
other engines run."""

from __future__ import annotations

import duckdb
import pytest
from dbt_project_runner import DbtRun, run_dbt

from segmentation_dev.datagen import generate_order_lines

TEST_NAME = "assert_every_raw_order_line_accounted_for_once"
LINE = 1_000_000_000_000  # order_line_id = input position x 10^12 + line number


@pytest.fixture(scope="module")
def broken_build(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[DbtRun, dict]:
    """A build whose quarantine has lost a line of the second input, holds a
    clean line of the first again, and holds lines that were never raw."""
    work = tmp_path_factory.mktemp("line_accounting")
    inputs = []
    for name, lines, seed in [("first", 3000, 3), ("second", 2000, 4)]:
        path = work / f"{name}.parquet"
        generate_order_lines(path, lines, seed=seed, bad_share=0.05, progress=False)
        inputs.append({"name": name, "path": str(path)})
    dbt_vars = {
        "order_inputs": inputs,
        "clustering_enabled": False,
        "history_enabled": False,
    }
    build = run_dbt(
        work,
        "build",
        dbt_vars,
        [
            "--select",
            # The raw lines the test counts (staging's view of every line).
            "stg_orders__order_lines",
            "+order_line_reconciliation",
            "+quarantined_order_lines",
            "+int_order_lines_cleaned",
            "--indirect-selection",
            "cautious",
        ],
    )
    # The build ran the test on the intact tables: it must have passed.
    assert build.returncode == 0, build.output[-5000:]
    assert f"PASS {TEST_NAME}" in build.output

    with duckdb.connect(str(build.db_path)) as con:
        first_clean = con.sql(
            f"select min(order_line_id) from int_order_lines_cleaned"
            f" where order_line_id < {2 * LINE}"
        ).fetchall()[0][0]
        second_quarantined = con.sql(
            f"select min(order_line_id) from quarantined_order_lines"
            f" where order_line_id > {2 * LINE}"
        ).fetchall()[0][0]
        copies = [
            first_clean,  # a clean line of the first input, quarantined too
            2 * LINE + 2500,  # past the second input's 2,000 lines
            3 * LINE + 1,  # an input that does not exist
            LINE + 999_999,  # past every input's lines, twice
            LINE + 999_999,
        ]
        for line_id in copies:
            con.execute(
                "insert into quarantined_order_lines select * replace"
                " (? as order_line_id) from quarantined_order_lines limit 1",
                [line_id],
            )
        con.execute(
            "delete from quarantined_order_lines where order_line_id = ?",
            [second_quarantined],
        )
    return build, dbt_vars


EXPECTED = {
    # source_position: (missing_lines, extra_copies, invented_lines)
    1: (0, 2, 1),
    2: (1, 0, 1),
    3: (0, 0, 1),
}


def test_the_test_fails_and_counts_each_kind_of_error(broken_build):
    build, dbt_vars = broken_build
    work = build.db_path.parent
    run = run_dbt(work, "test", dbt_vars, ["--select", TEST_NAME, "--store-failures"])
    assert run.returncode != 0, run.output[-5000:]
    assert f"FAIL 3 {TEST_NAME}" in run.output
    rows = build.query(
        "select source_position, missing_lines, extra_copies, invented_lines,"
        f" failure_reason from main_dbt_test__audit.{TEST_NAME}"
        " order by source_position"
    )
    assert {row[0]: tuple(row[1:4]) for row in rows} == EXPECTED
    # Each row says what is wrong in words, with the figures.
    assert rows[1][4] == (
        "input 2: 1 raw lines in none of clean, quarantined and after the"
        " as-of date, 0 extra copies, 1 lines that were never raw (expected 0"
        " of each: every raw line exactly once)"
    )


def test_the_join_used_off_duckdb_gives_the_same_rows(broken_build):
    build, dbt_vars = broken_build
    work = build.db_path.parent
    inline = (
        "{{ customer_segmentation.default__order_line_accounting_errors("
        "ref('stg_orders__order_lines'), [ref('int_order_lines_cleaned'),"
        " ref('quarantined_order_lines'), '(select order_line_id from '"
        " ~ ref('int_order_lines_validated')"
        " ~ ' where line_status = \\'after_as_of_date\\')']) }}"
    )
    compiled = run_dbt(work, "compile", dbt_vars, ["--quiet", "--inline", inline])
    assert compiled.returncode == 0, compiled.output
    assert "bitstring" not in compiled.output
    rows = build.query(
        "select source_position, missing_lines, extra_copies, invented_lines"
        f" from ({compiled.output}) order by source_position"
    )
    assert {row[0]: tuple(row[1:]) for row in rows} == EXPECTED
