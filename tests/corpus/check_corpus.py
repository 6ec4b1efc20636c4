"""Check that every corpus case's files say what its expected files say.

Each case is read with DuckDB's own readers and the options its case.yml
states, the case's rules are applied in plain SQL written here, and the result
is compared with bad_lines.csv (every bad line and its kind), the line counts
and expected_customers.csv. This checks the corpus, not the project: the
expected files come from the generator's own orders, and this script proves
that a reader given the stated options can get them back from the bytes.

    .venv/bin/python tests/corpus/check_corpus.py [case ...]

Needs duckdb and PyYAML (both in the project's .venv).
"""

from __future__ import annotations

import csv
import sys
import tempfile
from decimal import Decimal
from pathlib import Path

import duckdb
import yaml

HERE = Path(__file__).resolve().parent
# Unicode white space and zero-width characters trimmed around ids.
SPACES = "[\\s\u00a0\u2007\u200b\u3000\ufeff]"
EXPONENT = "[0-9](\\.[0-9]+)?E\\+[0-9]+"


def trimmed(column: str) -> str:
    return f"nullif(regexp_replace({column}, '^{SPACES}+|{SPACES}+$', '', 'g'), '')"


def numbered(source: str) -> str:
    """The rows of a reader with their 1-based record number per file."""
    return f"""(
        select *, row_number() over (partition by filename order by scan_no)
            as rec_no
        from (select *, row_number() over () as scan_no from {source})
    )"""


def case_sql(name: str, folder: Path, fmt: str) -> str:
    """One row per data record: filename, rec_no, customer_id, id_kind,
    order_id, day, is_return, amount (reporting currency), line_kind."""
    if name == "storefront_orders":
        source = (
            f"read_csv('{folder}/orders_export_1.csv', delim=',', header=true,"
            " all_varchar=true, filename=true)"
        )
        return f"""select filename, rec_no, {trimmed('"Email"')} as customer_id,
            case when {trimmed('"Email"')} is null then 'missing_customer_id'
            end as id_kind,
            "Name" as order_id,
            cast(strptime("Created at", '{fmt}') as date) as day,
            false as is_return,
            cast("Lineitem quantity" as integer)
                * cast("Lineitem price" as decimal(18, 2)) as amount,
            null as line_kind
        from {numbered(source)}"""
    if name == "payments":
        source = (
            f"read_csv('{folder}/unified_payments.csv', delim=',',"
            " header=true, thousands=',', filename=true,"
            " types={'Amount': 'DECIMAL(18,2)',"
            " 'Amount Refunded': 'DECIMAL(18,2)', 'Customer ID': 'VARCHAR',"
            " 'Created (UTC)': 'VARCHAR'})"
        )
        return f"""select payments.filename, rec_no,
            {trimmed('"Customer ID"')} as customer_id,
            case when {trimmed('"Customer ID"')} is null
                then 'missing_customer_id' end as id_kind,
            id as order_id,
            cast(strptime("Created (UTC)", '{fmt}') as date) as day,
            false as is_return,
            ("Amount" - "Amount Refunded") * rates.rate_to_reporting as amount,
            case when "Status" <> 'succeeded' then 'failed_payment'
            end as line_kind
        from {numbered(source)} as payments
        inner join read_csv('{folder}/rates.csv') as rates
            on rates.currency = upper(payments."Currency")"""
    if name == "pos_parquet":
        source = (
            f"read_parquet('{folder}/*.parquet', union_by_name=true, filename=true)"
        )
        return f"""select filename, rec_no,
            cast(cast(customer_id as bigint) as varchar) as customer_id,
            case when customer_id is null then 'missing_customer_id'
            end as id_kind,
            transaction_id as order_id,
            cast(sold_at as date) as day,
            is_return,
            (case when is_return then -1 else 1 end) * abs(quantity)
                * cast(unit_price as decimal(18, 2)) as amount,
            case
                when row_number() over (
                    partition by transaction_id, line_no
                    order by filename, rec_no
                ) > 1 then 'duplicate_line'
                when unit_price <= 0 then 'non_positive_unit_price'
            end as line_kind
        from {numbered(source)}"""
    if name == "european_spreadsheet":
        source = (
            f"read_csv('{folder}/Umsatzliste_2023-2024.csv', delim=';',"
            " header=true, encoding='latin-1', decimal_separator=',',"
            " thousands='.', nullstr=['', '#NV'], filename=true,"
            " types={'Kundennummer': 'VARCHAR', 'Menge': 'INTEGER',"
            " 'Einzelpreis': 'DECIMAL(18,2)', 'Belegdatum': 'VARCHAR'})"
        )
        return f"""select sales.filename, rec_no,
            {trimmed('"Kundennummer"')} as customer_id,
            case when {trimmed('"Kundennummer"')} is null
                then 'missing_customer_id' end as id_kind,
            "Belegnummer" as order_id,
            cast(strptime("Belegdatum", '{fmt}') as date) as day,
            "Menge" < 0 as is_return,
            "Menge" * "Einzelpreis" * rates.rate_to_reporting as amount,
            case when "Einzelpreis" is null then 'unparseable_amount'
            end as line_kind
        from {numbered(source)} as sales
        inner join read_csv('{folder}/rates.csv') as rates
            on rates.currency = sales."Währung" """
    if name == "spreadsheet_mangled":
        source = (
            f"read_csv('{folder}/orders_cleaned_FINAL.csv', delim=',',"
            " header=true, all_varchar=true, filename=true)"
        )
        cell = trimmed('"Customer Number"')
        price = """try_cast(replace("Unit Price", ',', '') as decimal(18, 2))"""
        return f"""select filename, rec_no,
            case when regexp_full_match({cell}, '{EXPONENT}') then null
                else ltrim({cell}, '0') end as customer_id,
            case
                when "Order Number" is null and "Order Date" is null
                    and "Customer Number" is null then 'empty_row'
                when {cell} in ('NULL', 'N/A', '#N/A', '-', 'nan', 'None')
                    then 'placeholder_customer_id'
                when {cell} is null then 'missing_customer_id'
                when regexp_full_match({cell}, '{EXPONENT}')
                    then 'exponent_id'
            end as id_kind,
            "Order Number" as order_id,
            cast(strptime("Order Date", '{fmt}') as date) as day,
            cast("Quantity" as integer) < 0 as is_return,
            cast("Quantity" as integer) * {price} as amount,
            case when {price} is null then 'unparseable_amount'
            end as line_kind
        from {numbered(source)}"""
    if name == "monthly_drop":
        source = (
            f"read_csv('{folder}/orders_2024-*.csv', union_by_name=true,"
            " header=true, all_varchar=true, filename=true)"
        )
        return f"""select filename, rec_no, customer_id,
            case when customer_id is null then 'missing_customer_id'
            end as id_kind,
            order_id,
            cast(strptime(ordered_at, '{fmt}') as date) as day,
            starts_with(order_id, 'RMA-') as is_return,
            (case when starts_with(order_id, 'RMA-') then -1 else 1 end)
                * abs(cast(quantity as integer))
                * cast(unit_price as decimal(18, 2)) as amount,
            case
                when row_number() over (
                    partition by order_id, sku, customer_id, ordered_at,
                        quantity, unit_price
                    order by filename, rec_no
                ) > 1 then 'duplicate_line'
            end as line_kind
        from {numbered(source)}"""
    if name == "spreadsheet_utf16":
        source = (
            f"read_csv('{folder}/Orders FY2024.txt', delim='\\t',"
            " header=true, encoding='utf-16', all_varchar=true, filename=true)"
        )
        return f"""select filename, rec_no,
            {trimmed('"Customer ID"')} as customer_id,
            case when {trimmed('"Customer ID"')} is null
                then 'missing_customer_id' end as id_kind,
            "Order ID" as order_id,
            cast(strptime("Order Date", '{fmt}') as date) as day,
            cast("Quantity" as integer) < 0 as is_return,
            cast("Quantity" as integer) * cast("Unit Price" as decimal(18, 2))
                as amount,
            null as line_kind
        from {numbered(source)}"""
    if name == "cp1252_euro_sign":
        # DuckDB reads utf-8, utf-16 and latin-1 only: transcode first.
        scratch = Path(tempfile.mkdtemp()) / "Kassenjournal_2024.csv"
        raw = (folder / "Kassenjournal_2024.csv").read_bytes()
        scratch.write_text(raw.decode("cp1252"), encoding="utf-8")
        source = (
            f"read_csv('{scratch}', delim=';', header=true,"
            " all_varchar=true, filename=true)"
        )
        return f"""select 'Kassenjournal_2024.csv' as filename, rec_no,
            {trimmed('"Kunde"')} as customer_id,
            case when {trimmed('"Kunde"')} is null
                then 'missing_customer_id' end as id_kind,
            "Bon-Nr." as order_id,
            cast(strptime("Datum", '{fmt}') as date) as day,
            cast("Menge" as integer) < 0 as is_return,
            cast("Menge" as integer) * cast(
                replace(replace("Einzelpreis €", '.', ''), ',', '.')
                as decimal(18, 2)) as amount,
            null as line_kind
        from {numbered(source)}"""
    if name == "marketplace_report":
        source = (
            f"read_csv('{folder}/All Orders Report 2024.txt', delim='\\t',"
            " header=true, all_varchar=true, filename=true)"
        )
        return f"""select report.filename, rec_no,
            {trimmed('"buyer-email"')} as customer_id,
            case when {trimmed('"buyer-email"')} is null
                then 'missing_customer_id' end as id_kind,
            "amazon-order-id" as order_id,
            cast(strptime("purchase-date", '{fmt}') as date) as day,
            false as is_return,
            cast("item-price" as decimal(18, 2)) * rates.rate_to_reporting
                as amount,
            case
                when cast(quantity as integer) = 0 then 'zero_quantity'
                when "item-price" is null then 'unparseable_amount'
            end as line_kind
        from {numbered(source)} as report
        inner join read_csv('{folder}/rates.csv') as rates
            on rates.currency = report.currency"""
    raise KeyError(f"no reading written for case {name}")


def read_csv_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def check(name: str) -> list[str]:
    folder = HERE / name
    case = yaml.safe_load((folder / "case.yml").read_text(encoding="utf-8"))
    as_of = case["as_of_date"]
    con = duckdb.connect()
    con.sql("set timezone = 'UTC'")
    con.sql("set threads = 1")  # record numbers follow the scan order
    sql = case_sql(name, folder, case["reading"].get("timestamp_format"))
    con.sql(f"create table lines as {sql}")
    con.sql(f"""create table judged as select *,
        coalesce(
            id_kind,
            case when day >= date '{as_of}' then 'after_as_of_date' end,
            line_kind
        ) as kind
        from lines""")
    problems = []
    expected = case["expected"]
    raw, clean = con.sql(
        "select count(*), count(*) filter (where kind is null) from judged"
    ).fetchall()[0]
    if raw != expected["raw_lines"]:
        problems.append(f"raw lines {raw}, case.yml says {expected['raw_lines']}")
    if clean != expected["clean_lines"]:
        problems.append(f"clean lines {clean}, case.yml says {expected['clean_lines']}")
    want_bad = {
        (row["file"], int(row["line"])): row["kind"]
        for row in read_csv_rows(folder / "bad_lines.csv")
    }
    got_bad = {
        (Path(file).name, number): kind
        for file, number, kind in con.sql(
            "select filename, rec_no, kind from judged where kind is not null"
        ).fetchall()
    }
    if got_bad != want_bad:
        differ = sorted(
            key
            for key in set(got_bad) | set(want_bad)
            if got_bad.get(key) != want_bad.get(key)
        )
        problems.append(
            f"{len(differ)} bad lines differ, e.g. "
            + ", ".join(
                f"{file}:{line} read {got_bad.get((file, line))}, "
                f"expected {want_bad.get((file, line))}"
                for file, line in differ[:3]
            )
        )
    customers = con.sql(f"""
        with orders as (
            select customer_id, order_id,
                bool_or(not is_return) as is_purchase,
                sum(amount) as net,
                min(case when not is_return then day end) as first_day,
                max(case when not is_return then day end) as last_day
            from judged where kind is null
            group by customer_id, order_id
        )
        select customer_id,
            count(*) filter (where is_purchase) as frequency,
            sum(net) as monetary,
            date '{as_of}' - max(last_day) as recency_days,
            cast(min(first_day) as varchar),
            cast(max(last_day) as varchar)
        from orders
        group by customer_id
        having count(*) filter (where is_purchase) > 0
    """).fetchall()
    got = {
        row[0]: [str(row[1]), f"{Decimal(row[2]):.2f}", str(row[3]), row[4], row[5]]
        for row in customers
    }
    want = {
        row["customer_id"]: [
            row["frequency"],
            row["monetary"],
            row["recency_days"],
            row["first_order_date"],
            row["last_order_date"],
        ]
        for row in read_csv_rows(folder / "expected_customers.csv")
    }
    if got != want:
        differ = sorted(k for k in set(got) | set(want) if got.get(k) != want.get(k))
        problems.append(
            f"{len(differ)} customers differ, e.g. "
            + ", ".join(
                f"{key}: read {got.get(key)}, expected {want.get(key)}"
                for key in differ[:3]
            )
        )
    return problems


def main(argv: list[str]) -> int:
    names = argv or sorted(
        path.name for path in HERE.iterdir() if (path / "case.yml").exists()
    )
    failed = 0
    for name in names:
        problems = check(name)
        failed += bool(problems)
        print(f"{name}: " + ("ok" if not problems else "; ".join(problems)))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
