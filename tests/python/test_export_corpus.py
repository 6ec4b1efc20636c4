"""Every case of the export corpus (tests/corpus/), end to end through dbt,
as a user would run it:

- with the options its case.yml states (its `reading` facts written as the
  input's options and vars), the line counts and every customer's recency,
  frequency and monetary value equal the expected files, which were
  computed from the generator's own orders, never by this project;
- with only the column map (what a user writes first), the build either
  reads the same figures, or stops with an error that names an option to
  set, or sets lines aside in the quarantine with a reason a person can
  see (the default duplicate check takes a product column for a line key:
  two identical line items of one order, which a storefront writes, are
  quarantined as duplicate_line unless the input says line_key: none).

A case whose facts the project has no option for (a row filter, a refund
amount column, no quantity column) must still stop with a message, never
publish other figures: it is listed in UNSUPPORTED with the reason.

One dbt run per case and mode (each case has its own as-of date), on the
models from staging to customer_segments only, without data tests.
"""

from __future__ import annotations

import csv
import re
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest
import yaml
from dbt_project_runner import PROJECT_DIR, DbtRun, run_dbt

CORPUS = PROJECT_DIR / "tests" / "corpus"
CASES = sorted(path.parent.name for path in CORPUS.glob("*/case.yml"))
SELECT = [
    "--select",
    "+customer_segments",
    "+order_line_reconciliation",
    "--exclude",
    "resource_type:test",
    "resource_type:unit_test",
    "--no-write-json",
    "--no-partial-parse",
]
# Facts of a case.yml the project has no option for, and what it does then.
UNSUPPORTED = {
    "payments": "no quantity column, a row filter (Status) and a refund column",
}
# Errors that name an option (the words a message must contain).
OPTION_WORDS = (
    "Set ",
    "set ",
    "union_by_name",
    "encoding",
    "timestampformat",
    "decimal_separator",
    "thousands",
    "format:",
    "header",
    "var ",
)


def load_case(name: str) -> dict:
    return yaml.safe_load((CORPUS / name / "case.yml").read_text(encoding="utf-8"))


def case_path(name: str, case: dict) -> str | list[str]:
    files = case["files"]
    folder = CORPUS / name
    if isinstance(files, str):
        return str(folder / files)
    return [str(folder / file) for file in files]


def column_map(case: dict) -> dict:
    return {key: value for key, value in case["columns"].items() if value}


def line_key(case: dict, columns: dict) -> list[str] | None:
    """The case's line key as project column names: none, or its columns
    (a column the map does not have becomes the line number)."""
    text = case["reading"].get("line_key")
    if text is None:
        return None
    if text.startswith("none"):
        return ["none"]
    by_header = {header: project for project, header in columns.items()}
    keys = []
    for term in re.split(r"\s*\+\s*", text.split(" (")[0]):
        if term in by_header:
            keys.append(by_header[term])
        else:
            columns["line_number"] = term
            keys.append("line_number")
    return keys


def with_options(name: str, case: dict, work: Path) -> dict:
    """The input entry and vars a user writes from the case's facts."""
    reading = case["reading"]
    columns = column_map(case)
    entry: dict = {"name": name, "path": case_path(name, case), "columns": columns}
    for fact, option in (
        ("format", "format"),
        ("delimiter", "delimiter"),
        ("quote", "quote"),
        ("header", "header"),
        ("encoding", "encoding"),
        ("decimal_separator", "decimal_separator"),
        ("thousands", "thousands"),
        ("timestamp_format", "timestampformat"),
        ("null_strings", "nullstr"),
        ("union_by_name", "union_by_name"),
    ):
        if reading.get(fact) is not None:
            entry[option] = reading[fact]
    keys = line_key(case, columns)
    if keys:
        entry["line_key"] = keys
    dbt_vars = {
        "order_inputs": [entry],
        "as_of_date": case["as_of_date"],
        "clustering_enabled": False,
        "history_enabled": False,
        "id_leading_zeros": reading.get("leading_zeros", "keep"),
        "return_order_pattern": None,
        "returns_from_negative_quantity": False,
    }
    rule = reading["returns"]
    if rule["rule"] == "prefix":
        dbt_vars["return_order_pattern"] = "^" + re.escape(rule["pattern"])
    elif rule["rule"] == "negative_quantity":
        dbt_vars["returns_from_negative_quantity"] = True
    elif rule["rule"] == "flag_column":
        columns["return_flag"] = rule["column"]
    currency = reading["currency"]
    dbt_vars["reporting_currency"] = currency.get("reporting") or currency["constant"]
    if currency.get("constant"):
        entry["amount_currency"] = currency["constant"]
    if currency.get("rates"):
        write_rates(name, case, work)
        dbt_vars["currency_rates"] = "main.corpus_rates"
    return dbt_vars


def write_rates(name: str, case: dict, work: Path) -> None:
    """rates.csv (currency, rate_to_reporting) as a table of the project's
    currency_rates shape, in the warehouse the run builds into."""
    reporting = case["reading"]["currency"]["reporting"]
    with (CORPUS / name / "rates.csv").open(encoding="utf-8") as handle:
        rates = [
            (row["currency"].upper(), row["rate_to_reporting"])
            for row in csv.DictReader(handle)
        ]
    with duckdb.connect(str(work / "warehouse.duckdb")) as con:
        con.execute(
            "create or replace table corpus_rates (from_currency varchar,"
            " to_currency varchar, rate_date date, rate double)"
        )
        for currency, rate in rates:
            con.execute(
                "insert into corpus_rates values (?, ?, null, ?)",
                [currency, reporting, float(rate)],
            )


def defaults_only(name: str, case: dict) -> dict:
    """What a user writes first: the files, the column map, the as-of date."""
    entry = {"name": name, "path": case_path(name, case), "columns": column_map(case)}
    return {
        "order_inputs": [entry],
        "as_of_date": case["as_of_date"],
        "clustering_enabled": False,
        "history_enabled": False,
    }


def expected_customers(name: str) -> dict[str, tuple]:
    with (CORPUS / name / "expected_customers.csv").open(encoding="utf-8") as handle:
        return {
            row["customer_id"]: (
                int(row["frequency"]),
                Decimal(row["monetary"]),
                int(row["recency_days"]),
                row["first_order_date"],
                row["last_order_date"],
            )
            for row in csv.DictReader(handle)
        }


def built_customers(run: DbtRun) -> dict[str, tuple]:
    rows = run.query(
        "select customer_id, frequency, monetary, recency_days,"
        " first_order_date::varchar, last_order_date::varchar"
        " from customer_segments"
    )
    return {
        row[0]: (row[1], Decimal(str(round(row[2], 2))), row[3], row[4], row[5])
        for row in rows
    }


def line_counts(run: DbtRun) -> dict[str, int]:
    rows = run.query(
        "select line_status, sum(order_lines)::bigint from order_line_reconciliation"
        " group by line_status"
    )
    return dict(rows)


def assert_figures_match(name: str, case: dict, run: DbtRun) -> None:
    expected = case["expected"]
    counts = line_counts(run)
    assert sum(counts.values()) == expected["raw_lines"], counts
    assert counts.get("clean", 0) == expected["clean_lines"], counts
    assert counts.get("quarantined", 0) == expected["quarantined_lines"], counts
    assert counts.get("after_as_of_date", 0) == expected["after_as_of_date_lines"]
    built, wanted = built_customers(run), expected_customers(name)
    assert sorted(built) == sorted(wanted)
    for customer_id, figures in wanted.items():
        got = built[customer_id]
        assert got[0] == figures[0], (customer_id, got, figures)
        assert abs(got[1] - figures[1]) <= Decimal("0.01"), (customer_id, got, figures)
        assert got[2:] == figures[2:], (customer_id, got, figures)


def stopped_naming_an_option(run: DbtRun) -> bool:
    errors = [
        line
        for line in run.output.splitlines()
        if "Error" in line or "error" in line or "Set " in line
    ]
    text = " ".join(run.output.split())
    return (
        run.returncode != 0
        and bool(errors)
        and any(word in text for word in OPTION_WORDS)
    )


@pytest.mark.parametrize("name", CASES)
def test_with_its_stated_options_the_case_reads_exactly(name: str, tmp_path: Path):
    case = load_case(name)
    run = run_dbt(tmp_path, "build", with_options(name, case, tmp_path), SELECT)
    if name in UNSUPPORTED:
        assert stopped_naming_an_option(run), run.output[-3000:]
        return
    if case["reading"].get("encoding") in ("windows-1252", "cp1252") and any(
        "bytes 0x80" in note or "not latin-1" in note
        for note in [case["reading"].get("encoding_note", "")]
    ):
        # DuckDB reads no Windows-1252: the build must stop, not misread.
        assert run.returncode != 0, run.output[-3000:]
        assert "latin-1" in run.output
        return
    assert run.returncode == 0, run.output[-5000:]
    assert_figures_match(name, case, run)


@pytest.mark.parametrize("name", CASES)
def test_with_only_its_column_map_the_case_reads_right_or_names_an_option(
    name: str, tmp_path: Path
):
    case = load_case(name)
    run = run_dbt(tmp_path, "build", defaults_only(name, case), SELECT)
    if run.returncode != 0:
        assert stopped_naming_an_option(run), run.output[-3000:]
        assert "Traceback" not in run.output
        return
    counts = line_counts(run)
    duplicates = run.query(
        "select count(*) from int_order_lines_validated"
        " where quarantine_reason = 'duplicate_line'"
    )[0][0]
    expected = case["expected"]
    if duplicates and counts.get("clean", 0) != expected["clean_lines"]:
        # Set aside with a reason, not misread: the lines the defaults
        # quarantined as duplicates are exactly the ones missing.
        assert counts["clean"] + duplicates == expected["clean_lines"], counts
        assert sum(counts.values()) == expected["raw_lines"], counts
        return
    assert_figures_match(name, case, run)
