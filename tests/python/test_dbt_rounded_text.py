"""rounded_quotient_text, the macro behind the figures of the alerts'
reason texts, compiled by dbt and run on DuckDB: exact halves round away
from zero, as Spark's decimals round them, where a double would not."""

from __future__ import annotations

import duckdb
from dbt_project_runner import run_dbt

# (numerator, denominator, places, text), each worked out by hand.
CASES = [
    (12873, 200, 2, "64.37"),  # 64.365 exactly; the double is 64.36499...
    (-12873, 200, 2, "-64.37"),
    (12871, 200, 2, "64.36"),  # 64.355 exactly; the double is 64.35499...
    (12869, 200, 2, "64.35"),  # 64.345 exactly; the double is 64.34500...01
    (1, 3, 1, "0.3"),
    (2, 3, 1, "0.7"),
    (0, 7, 2, "0.00"),
    (5, 1, 0, "5"),
    (-1, 2, 0, "-1"),  # -0.5: away from zero
    (10**17 + 1, 2, 0, "50000000000000001"),  # past a double's 53 bits
]


def test_halves_round_away_from_zero_exactly(tmp_path):
    selects = " union all ".join(
        f"select {i} as case_id, {{{{ rounded_quotient_text("
        f"'{numerator}', '{denominator}', {places}) }}}} as text"
        for i, (numerator, denominator, places, _) in enumerate(CASES)
    )
    compiled = run_dbt(tmp_path, "compile", None, ["--quiet", "--inline", selects])
    assert compiled.returncode == 0, compiled.output
    rows = duckdb.sql(f"select * from ({compiled.output}) order by case_id")
    assert [text for _, text in rows.fetchall()] == [case[3] for case in CASES]
