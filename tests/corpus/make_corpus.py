"""Write the corpus of real-world export shapes and the ground truth of each.

Every case starts from orders made up by export_shapes/truth.py (customers,
orders, lines, timestamps, amounts, currencies, returns); its module in
export_shapes/ writes them in the shape one kind of system writes and marks
the lines it breaks on purpose; this script works out the expected result from
those orders with plain Python and exact decimals and writes the case's
folder. Nothing here imports the project's code.

    python3 tests/corpus/make_corpus.py            # rewrite every case
    python3 tests/corpus/make_corpus.py payments   # rewrite one case
    python3 tests/corpus/make_corpus.py --out DIR  # write elsewhere, e.g.
                                                   # to compare with the
                                                   # committed files

Deterministic: each case draws from its own random.Random seeded with a fixed
string, so a re-run writes the same bytes. pyarrow is needed only for the
Parquet case (the project's .venv has it).
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import textwrap
from collections import Counter, defaultdict
from datetime import date
from decimal import Decimal
from pathlib import Path

from export_shapes.cp1252_euro_sign import cp1252_euro_sign
from export_shapes.european_spreadsheet import european_spreadsheet
from export_shapes.marketplace_report import marketplace_report
from export_shapes.monthly_drop import monthly_drop
from export_shapes.payments import payments
from export_shapes.pos_parquet import pos_parquet
from export_shapes.spreadsheet_mangled import spreadsheet_mangled
from export_shapes.spreadsheet_utf16 import spreadsheet_utf16
from export_shapes.storefront_orders import storefront_orders
from export_shapes.truth import Case, money

HERE = Path(__file__).resolve().parent


def expected_customers(case: Case) -> list[dict[str, str]]:
    orders: dict[tuple[str, str], bool] = defaultdict(bool)
    amounts: dict[str, Decimal] = defaultdict(Decimal)
    days: dict[str, list[date]] = defaultdict(list)
    for row in case.rows:
        if row.kind is not None:
            continue
        amounts[row.customer_id] += row.amount
        orders[(row.customer_id, row.order_id)] |= not row.is_return
        if not row.is_return:
            days[row.customer_id].append(row.day)
    frequency = Counter(
        customer for (customer, _), is_purchase in orders.items() if is_purchase
    )
    result = []
    for customer in sorted(frequency):
        first, last = min(days[customer]), max(days[customer])
        result.append(
            {
                "customer_id": customer,
                "frequency": str(frequency[customer]),
                "monetary": f"{money(amounts[customer]):.2f}",
                "recency_days": str((case.as_of - last).days),
                "first_order_date": first.isoformat(),
                "last_order_date": last.isoformat(),
            }
        )
    return result


def yaml_scalar(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | Decimal):
        return str(value)
    text = json.dumps(str(value), ensure_ascii=False)
    for char in ("\u00a0", "\u200b", "\u3000", "\u2007", "\ufeff"):
        text = text.replace(char, f"\\u{ord(char):04x}")
    return text


def yaml_key(key: str) -> str:
    plain = key.replace("_", "").isalnum() and key.isascii()
    return key if plain else yaml_scalar(key)


def yaml_lines(value: dict, indent: int) -> list[str]:
    pad = " " * indent
    lines = []
    for raw_key, item in value.items():
        key = yaml_key(raw_key)
        if isinstance(item, dict) and not item:
            lines.append(f"{pad}{key}: {{}}")
        elif isinstance(item, dict):
            lines.append(f"{pad}{key}:")
            lines += yaml_lines(item, indent + 2)
        elif isinstance(item, list):
            flow = "[" + ", ".join(yaml_scalar(x) for x in item) + "]"
            lines.append(f"{pad}{key}: {flow}")
        else:
            lines.append(f"{pad}{key}: {yaml_scalar(item)}")
    return lines


def write_case(case: Case, root: Path) -> dict:
    folder = root / case.name
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.iterdir():
        old.unlink()
    for file, blob in case.blobs.items():
        (folder / file).write_bytes(blob)
    for row in case.rows:
        if row.kind is None and row.day >= case.as_of:
            row.kind = "after_as_of_date"
    customers = expected_customers(case)
    with (folder / "expected_customers.csv").open(
        "w", newline="", encoding="utf-8"
    ) as out:
        writer = csv.DictWriter(out, list(customers[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(customers)
    bad = [row for row in case.rows if row.kind is not None]
    with (folder / "bad_lines.csv").open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["file", "line", "kind", "detail", "dated_on_or_after_as_of"])
        for row in bad:
            late = "" if row.day is None else str(row.day >= case.as_of).lower()
            writer.writerow([row.file, row.number, row.kind, row.detail, late])
    if case.rates:
        with (folder / "rates.csv").open("w", newline="", encoding="utf-8") as out:
            writer = csv.writer(out, lineterminator="\n")
            writer.writerow(["currency", "rate_to_reporting"])
            for code, rate in sorted(case.rates.items()):
                writer.writerow([code, rate])
    kinds = Counter(row.kind for row in bad)
    outside = kinds.get("after_as_of_date", 0)
    clean = [row for row in case.rows if row.kind is None]
    expected = {
        "raw_lines": len(case.rows),
        "clean_lines": len(clean),
        "quarantined_lines": len(bad) - outside,
        "after_as_of_date_lines": outside,
        "bad_lines": "bad_lines.csv",
        "bad_line_kinds": dict(sorted(kinds.items())),
        "lines_per_file": dict(Counter(row.file for row in case.rows)),
        "customers": "expected_customers.csv",
        "customer_count": len(customers),
        "return_only_customers": len(
            {row.customer_id for row in clean}
            - {customer["customer_id"] for customer in customers}
        ),
        "return_lines_counted": sum(1 for row in clean if row.is_return),
        "monetary_total": money(sum(Decimal(c["monetary"]) for c in customers)),
        "reporting_currency": case.reporting_currency,
    }
    for file in case.blobs:
        expected["lines_per_file"].setdefault(file, 0)
    expected["lines_per_file"] = dict(sorted(expected["lines_per_file"].items()))
    document = {
        "files": case.files,
        "columns": case.columns,
        "reading": case.reading,
        "as_of_date": case.as_of.isoformat(),
        "expected": expected,
    }
    text = "# Written by tests/corpus/make_corpus.py; do not edit by hand.\n"
    text += "description: >-\n"
    text += (
        textwrap.indent(
            textwrap.fill(
                case.description, 76, break_on_hyphens=False, break_long_words=False
            ),
            "  ",
        )
        + "\n"
    )
    text += "\n".join(yaml_lines(document, 0)) + "\n"
    if case.notes:
        text += "notes:\n" + "".join(
            f"  - {yaml_scalar(note)}\n" for note in case.notes
        )
    (folder / "case.yml").write_text(text, encoding="utf-8")
    return expected


CASES = {
    "storefront_orders": storefront_orders,
    "payments": payments,
    "pos_parquet": pos_parquet,
    "european_spreadsheet": european_spreadsheet,
    "spreadsheet_mangled": spreadsheet_mangled,
    "monthly_drop": monthly_drop,
    "spreadsheet_utf16": spreadsheet_utf16,
    "cp1252_euro_sign": cp1252_euro_sign,
    "marketplace_report": marketplace_report,
}


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("cases", nargs="*", help="cases to write (default: all)")
    parser.add_argument(
        "--out",
        type=Path,
        default=HERE,
        help="folder to write the case folders into (default: beside this script)",
    )
    args = parser.parse_args(argv)
    unknown = sorted(set(args.cases) - set(CASES))
    if unknown:
        parser.error(f"unknown case(s) {unknown}; known: {', '.join(CASES)}")
    for name in args.cases or list(CASES):
        expected = write_case(CASES[name](), args.out)
        print(
            f"{name}: {expected['raw_lines']} raw, "
            f"{expected['clean_lines']} clean, "
            f"{expected['customer_count']} customers, "
            f"{dict(expected['bad_line_kinds'])}"
        )


if __name__ == "__main__":
    main(sys.argv[1:])
