"""Check that every corpus case's files say what its expected files say.

Each case is read with DuckDB's own readers and the options its case.yml
states (its files, the columns its column map names and its timestamp format
are taken from case.yml itself, so a wrong map fails the check too), the
case's rules are applied in plain SQL written here, and the result
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
from collections.abc import Callable
from dataclasses import dataclass
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


def quoted(column: str) -> str:
    """A column name as a SQL identifier."""
    return '"' + column.replace('"', '""') + '"'


def literal(value: object) -> str:
    """A Python value as a SQL literal: text, a boolean, a list or a struct."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return "'" + value.replace("'", "''") + "'"
    if isinstance(value, list):
        return "[" + ", ".join(literal(item) for item in value) + "]"
    if isinstance(value, dict):
        fields = (f"{literal(key)}: {literal(item)}" for key, item in value.items())
        return "{" + ", ".join(fields) + "}"
    raise TypeError(f"no SQL literal for {value!r}")


def case_files(folder: Path, case: dict) -> list[str] | str:
    """The paths of the case.yml's `files`: a list, or one glob."""
    files = case["files"]
    if isinstance(files, str):
        return f"{folder}/{files}"
    return [f"{folder}/{file}" for file in files]


def read_csv(files: list[str] | str, **options: object) -> str:
    """DuckDB's CSV reader of `files`, with a header and each row's
    filename, and the case's own `options`."""
    options = {"header": True, "filename": True, **options}
    arguments = "".join(f", {key}={literal(value)}" for key, value in options.items())
    return f"read_csv({literal(files)}{arguments})"


def numbered(source: str) -> str:
    """The rows of a reader with their 1-based record number per file."""
    return f"""(
        select *, row_number() over (partition by filename order by scan_no)
            as rec_no
        from (select *, row_number() over () as scan_no from {source})
    )"""


def parsed_day(column: str, fmt: str) -> str:
    return f"cast(strptime({column}, '{fmt}') as date)"


@dataclass(frozen=True)
class Reading:
    """How one case is read: the reader and the SQL of what a line says
    beyond the columns its case.yml maps.

    A line's customer, order and day are the columns case.yml maps to
    customer_id, order_id and ordered_at: the id trimmed (a case with other
    rules gives `customer_id`), the timestamp read with the case's
    timestamp_format (a typed one gives `day`). `id_kind` says why a line
    has no customer; by default, it is missing when the id is null.
    `currency` is the SQL of a line's currency, for amounts to convert with
    the case's rates.csv; `lines` is the rows' alias.
    """

    source: str
    is_return: str
    amount: str
    line_kind: str = "null"
    customer_id: str | None = None
    id_kind: str | None = None
    day: str | None = None
    currency: str | None = None

    def sql(self, folder: Path, case: dict) -> str:
        columns = case["columns"]
        customer_id = self.customer_id or trimmed(quoted(columns["customer_id"]))
        id_kind = (
            self.id_kind
            or f"case when {customer_id} is null then 'missing_customer_id' end"
        )
        day = self.day or parsed_day(
            quoted(columns["ordered_at"]), case["reading"]["timestamp_format"]
        )
        amount, join = self.amount, ""
        if self.currency:
            amount = f"{amount} * rates.rate_to_reporting"
            join = (
                f"inner join read_csv('{folder}/rates.csv') as rates"
                f" on rates.currency = {self.currency}"
            )
        return f"""select lines.filename, rec_no,
            {customer_id} as customer_id,
            {id_kind} as id_kind,
            {quoted(columns["order_id"])} as order_id,
            {day} as day,
            {self.is_return} as is_return,
            {amount} as amount,
            {self.line_kind} as line_kind
        from {numbered(self.source)} as lines
        {join}"""


def duplicate_line(*key: str) -> str:
    """True for every line after the first with the same key."""
    return f"""row_number() over (
        partition by {", ".join(key)} order by filename, rec_no
    ) > 1"""


def case_reading(name: str, files: list[str] | str) -> Reading:
    """How case `name`, in `files`, is read: one row per data record."""
    if name == "storefront_orders":
        return Reading(
            source=read_csv(files, delim=",", all_varchar=True),
            is_return="false",
            amount="""cast("Lineitem quantity" as integer)
                * cast("Lineitem price" as decimal(18, 2))""",
        )
    if name == "payments":
        return Reading(
            source=read_csv(
                files,
                delim=",",
                thousands=",",
                types={
                    "Amount": "DECIMAL(18,2)",
                    "Amount Refunded": "DECIMAL(18,2)",
                    "Customer ID": "VARCHAR",
                    "Created (UTC)": "VARCHAR",
                },
            ),
            is_return="false",
            amount='("Amount" - "Amount Refunded")',
            currency='upper(lines."Currency")',
            line_kind="""case when "Status" <> 'succeeded' then 'failed_payment'
            end""",
        )
    if name == "pos_parquet":
        return Reading(
            source=f"read_parquet({literal(files)}, union_by_name=true, filename=true)",
            customer_id="cast(cast(customer_id as bigint) as varchar)",
            day="cast(sold_at as date)",
            is_return="is_return",
            amount="""(case when is_return then -1 else 1 end) * abs(quantity)
                * cast(unit_price as decimal(18, 2))""",
            line_kind=f"""case
                when {duplicate_line("transaction_id", "line_no")}
                    then 'duplicate_line'
                when unit_price <= 0 then 'non_positive_unit_price'
            end""",
        )
    if name == "european_spreadsheet":
        return Reading(
            source=read_csv(
                files,
                delim=";",
                encoding="latin-1",
                decimal_separator=",",
                thousands=".",
                nullstr=["", "#NV"],
                types={
                    "Kundennummer": "VARCHAR",
                    "Menge": "INTEGER",
                    "Einzelpreis": "DECIMAL(18,2)",
                    "Belegdatum": "VARCHAR",
                },
            ),
            is_return='"Menge" < 0',
            amount='"Menge" * "Einzelpreis"',
            currency='lines."Währung"',
            line_kind="""case when "Einzelpreis" is null then 'unparseable_amount'
            end""",
        )
    if name == "spreadsheet_mangled":
        cell = trimmed('"Customer Number"')
        price = """try_cast(replace("Unit Price", ',', '') as decimal(18, 2))"""
        return Reading(
            source=read_csv(files, delim=",", all_varchar=True),
            customer_id=f"""case when regexp_full_match({cell}, '{EXPONENT}')
                then null else ltrim({cell}, '0') end""",
            id_kind=f"""case
                when "Order Number" is null and "Order Date" is null
                    and "Customer Number" is null then 'empty_row'
                when {cell} in ('NULL', 'N/A', '#N/A', '-', 'nan', 'None')
                    then 'placeholder_customer_id'
                when {cell} is null then 'missing_customer_id'
                when regexp_full_match({cell}, '{EXPONENT}')
                    then 'exponent_id'
            end""",
            is_return='cast("Quantity" as integer) < 0',
            amount=f'cast("Quantity" as integer) * {price}',
            line_kind=f"case when {price} is null then 'unparseable_amount' end",
        )
    if name == "monthly_drop":
        return Reading(
            source=read_csv(files, union_by_name=True, all_varchar=True),
            customer_id="customer_id",
            is_return="starts_with(order_id, 'RMA-')",
            amount="""(case when starts_with(order_id, 'RMA-') then -1 else 1 end)
                * abs(cast(quantity as integer))
                * cast(unit_price as decimal(18, 2))""",
            line_kind=f"""case
                when {
                duplicate_line(
                    "order_id",
                    "sku",
                    "customer_id",
                    "ordered_at",
                    "quantity",
                    "unit_price",
                )
            } then 'duplicate_line'
            end""",
        )
    if name == "spreadsheet_utf16":
        return Reading(
            source=read_csv(files, delim="\t", encoding="utf-16", all_varchar=True),
            is_return='cast("Quantity" as integer) < 0',
            amount="""cast("Quantity" as integer)
                * cast("Unit Price" as decimal(18, 2))""",
        )
    if name == "cp1252_euro_sign":
        # DuckDB reads utf-8, utf-16 and latin-1 only: transcode first.
        (file,) = files
        scratch = Path(tempfile.mkdtemp()) / Path(file).name
        scratch.write_text(Path(file).read_bytes().decode("cp1252"), encoding="utf-8")
        return Reading(
            source=(
                f"(select * replace ({literal(scratch.name)} as filename)"
                f" from {read_csv(str(scratch), delim=';', all_varchar=True)})"
            ),
            is_return='cast("Menge" as integer) < 0',
            amount="""cast("Menge" as integer) * cast(
                replace(replace("Einzelpreis €", '.', ''), ',', '.')
                as decimal(18, 2))""",
        )
    if name == "marketplace_report":
        return Reading(
            source=read_csv(files, delim="\t", all_varchar=True),
            is_return="false",
            amount='cast("item-price" as decimal(18, 2))',
            currency="lines.currency",
            line_kind="""case
                when cast(quantity as integer) = 0 then 'zero_quantity'
                when "item-price" is null then 'unparseable_amount'
            end""",
        )
    raise KeyError(f"no reading written for case {name}")


def read_csv_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def differences(what: str, got: dict, want: dict, where: Callable) -> list[str]:
    """The problem of `got` and `want` disagreeing, with the first three keys
    that differ (`where` writes a key), or none."""
    differ = sorted(k for k in set(got) | set(want) if got.get(k) != want.get(k))
    if not differ:
        return []
    examples = ", ".join(
        f"{where(key)} read {got.get(key)}, expected {want.get(key)}"
        for key in differ[:3]
    )
    return [f"{len(differ)} {what} differ, e.g. {examples}"]


def check(name: str) -> list[str]:
    folder = HERE / name
    case = yaml.safe_load((folder / "case.yml").read_text(encoding="utf-8"))
    as_of = case["as_of_date"]
    con = duckdb.connect()
    con.sql("set timezone = 'UTC'")
    con.sql("set threads = 1")  # record numbers follow the scan order
    sql = case_reading(name, case_files(folder, case)).sql(folder, case)
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
    problems += differences(
        "bad lines", got_bad, want_bad, lambda key: f"{key[0]}:{key[1]}"
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
    problems += differences("customers", got, want, lambda key: f"{key}:")
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
