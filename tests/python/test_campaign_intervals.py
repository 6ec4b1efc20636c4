"""The interval macros of the campaign models (macros/campaigns/), rendered
with plain Jinja and run in DuckDB over a grid of counts, against
independent computations: scipy's Wilson interval, the Newcombe formula
written here from it, and a few values worked out by hand. No dbt run."""

from __future__ import annotations

import math
from pathlib import Path

import duckdb
import jinja2
import pytest
from campaign_expectations import wilson
from dbt_project_runner import PROJECT_DIR
from scipy.stats import norm

MACROS = PROJECT_DIR / "macros" / "campaigns"
Z95 = 1.959963984540054


@pytest.fixture(scope="module")
def macros() -> jinja2.runtime.TemplateModule:
    """Both macro files as one template (newcombe calls wilson)."""
    source = "\n".join(
        (MACROS / name).read_text()
        for name in ("wilson_interval_bound.sql", "newcombe_difference_bound.sql")
    )
    return jinja2.Environment(extensions=["jinja2.ext.do"]).from_string(source).module


def query(sql: str, rows: list[tuple[int, ...]], columns: str) -> list[tuple]:
    values = ", ".join(str(row).replace("None", "null") for row in rows)
    with duckdb.connect() as con:
        return con.sql(
            f"select {sql} from (values {values}) as counts({columns})"
        ).fetchall()


GRID = [
    (k, n)
    for n in (1, 2, 3, 5, 10, 37, 100, 1000, 100_000)
    for k in sorted({0, 1, n // 3, n // 2, n - 1, n})
]


@pytest.mark.parametrize(("z", "level"), [(Z95, 0.95), (norm.ppf(0.95), 0.90)])
def test_wilson_bounds_match_scipy(macros, z, level):
    lower = macros.wilson_interval_bound("k", "n", "lower", z)
    upper = macros.wilson_interval_bound("k", "n", "upper", z)
    rows = query(f"k, n, {lower}, {upper}", GRID, "k, n")
    assert len(rows) == len(GRID)
    for k, n, low, high in rows:
        expected_low, expected_high = wilson(k, n, level)
        assert low == pytest.approx(expected_low, abs=1e-12), (k, n)
        assert high == pytest.approx(expected_high, abs=1e-12), (k, n)
        assert 0 <= low <= k / n <= high <= 1
    edges = {(k, n): (low, high) for k, n, low, high in rows}
    # Exact at the edges: no successes, lower 0; all successes, upper 1.
    assert edges[(0, 10)][0] == 0.0
    assert edges[(10, 10)][1] == 1.0


def test_wilson_by_hand_and_null_without_trials(macros):
    lower = macros.wilson_interval_bound("k", "n", "lower", Z95)
    upper = macros.wilson_interval_bound("k", "n", "upper", Z95)
    # 5 of 10: centre 0.5; half-width z / (1 + z^2/10) * sqrt(0.025 + z^2/400)
    # = 1.96 / 1.3841 * sqrt(0.034604) = 0.2634 -> (0.2366, 0.7634).
    # 0 of 0 (nobody's response known) and no response data: no interval.
    cases = [(5, 10), (0, 0), (None, None), (None, 10)]
    rows = query(f"{lower}, {upper}", cases, "k, n")
    assert rows[0] == (
        pytest.approx(0.2366, abs=1e-4),
        pytest.approx(0.7634, abs=1e-4),
    )
    assert rows[1:] == [(None, None)] * 3


def newcombe(a: int, n1: int, b: int, n2: int) -> tuple[float, float]:
    """Newcombe (1998) method 10, from scipy's Wilson intervals."""
    p1, p2 = a / n1, b / n2
    l1, u1 = wilson(a, n1)
    l2, u2 = wilson(b, n2)
    return (
        p1 - p2 - math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2),
        p1 - p2 + math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2),
    )


def test_newcombe_bounds_match_the_formula(macros):
    args = ("a", "n1", "b", "n2")
    lower = macros.newcombe_difference_bound(*args, "lower", Z95)
    upper = macros.newcombe_difference_bound(*args, "upper", Z95)
    cases = [
        (40, 200, 20, 200),
        (5, 50, 6, 50),
        (0, 10, 0, 10),
        (10, 10, 0, 10),
        (1, 3, 7, 9),
    ]
    rows = query(f"{lower}, {upper}", cases, "a, n1, b, n2")
    for (a, n1, b, n2), (low, high) in zip(cases, rows, strict=True):
        expected_low, expected_high = newcombe(a, n1, b, n2)
        assert low == pytest.approx(expected_low, abs=1e-12)
        assert high == pytest.approx(expected_high, abs=1e-12)
        assert -1 <= low <= a / n1 - b / n2 <= high <= 1
    # Newcombe's own example (1998, table II, case (a)): 56/70 vs 48/80
    # gives 0.0524 to 0.3339.
    [(low, high)] = query(f"{lower}, {upper}", [(56, 70, 48, 80)], "a, n1, b, n2")
    assert (round(low, 4), round(high, 4)) == (0.0524, 0.3339)


def test_newcombe_is_null_when_a_group_is_empty(macros):
    lower = macros.newcombe_difference_bound("a", "n1", "b", "n2", "lower", Z95)
    assert query(lower, [(0, 0, 3, 10)], "a, n1, b, n2") == [(None,)]


def test_macros_refuse_an_unknown_bound(macros):
    with pytest.raises(jinja2.exceptions.UndefinedError):
        # Plain Jinja has no dbt `exceptions`: reaching it proves the check.
        macros.wilson_interval_bound("k", "n", "middle", Z95)


def test_the_default_z_is_the_95_percent_quantile():
    import yaml

    project = yaml.safe_load(Path(PROJECT_DIR / "dbt_project.yml").read_text())
    assert project["vars"]["campaign_interval_z"] == pytest.approx(
        norm.ppf(0.975), abs=1e-12
    )
