"""spreadsheet_mangled: a CSV that went through Excel and back."""

from __future__ import annotations

import itertools
from datetime import date, timedelta
from decimal import Decimal

from export_shapes.truth import (
    Case,
    Customer,
    Line,
    Order,
    Row,
    catalogue,
    counter_ids,
    en_amount,
    make_rng,
    simulate,
    visible,
)
from export_shapes.writer import CsvExport

PLACEHOLDERS = ["NULL", "N/A", "#N/A", "-", "nan", "None"]
ODD_SPACES = ["\u00a0", "\u200b", "\u3000", "\u2007", " "]


def spreadsheet_mangled() -> Case:
    name = "spreadsheet_mangled"
    rng = make_rng(name)
    file = "orders_cleaned_FINAL.csv"
    as_of = date(2024, 3, 1)
    customers = []
    kinds = {}
    numbers = rng.sample(range(1, 999), 50) + rng.sample(range(1000, 99_999), 60)
    for index, number in enumerate(numbers):
        if index < 50:
            raw, kind = f"{number:05d}", "zeros"
            key = str(number)
        else:
            raw, kind = str(number), "plain"
            key = raw
        customers.append(Customer(key, "", "", "GB", "GBP", {"raw": raw}))
        kinds[key] = kind
    # Loyalty-card numbers: 12 digits, shown by Excel as 1.23457E+11.
    base = rng.randint(123_450_000_000, 123_460_000_000)
    loyalty = [base, base + 3]  # the same exponent form for both
    loyalty += [rng.randint(100_000_000_000, 999_999_999_999) for _ in range(18)]
    for number in loyalty:
        customers.append(
            Customer(str(number), "", "", "GB", "GBP", {"raw": str(number)})
        )
        kinds[str(number)] = "loyalty"
    anonymous: list[Customer | None] = [None] * 14
    items = catalogue(rng, "X", ["item"], 30, 2, 120, "0.01")
    items.append(Line("X-BIG", "item", 1, Decimal("1249.00")))
    orders = simulate(
        rng,
        customers + anonymous,
        date(2023, 3, 1),
        date(2024, 3, 16),
        items,
        next_order_id=counter_ids("{}", 50_001),
        night_share=0.0,
    )
    # Two lines of different products at the same price and quantity.
    twins = [o for o in orders if o.customer and len(o.lines) >= 2][:12]
    for order in twins:
        order.lines[1] = Line(
            order.lines[0].sku + "b",
            "item",
            order.lines[0].quantity,
            order.lines[0].unit_price,
        )
    # Returns go on the same order number with a negative quantity.
    returns = []
    for order in orders:
        if order.customer is not None and rng.random() < 0.08:
            line = rng.choice(order.lines)
            at = order.at + timedelta(days=rng.randint(3, 25), hours=2)
            if at.date() < date(2024, 3, 16):
                returns.append(
                    Order(
                        order.order_id,
                        order.customer,
                        at,
                        "GBP",
                        [Line(line.sku, "item", 1, line.unit_price)],
                        is_return=True,
                        original=order,
                    )
                )
    orders = sorted(orders + returns, key=lambda order: order.at)
    bad_price = set(
        rng.sample(
            [
                id(o)
                for o in orders
                if o.customer and not o.is_return and o.at.date() < as_of
            ],
            3,
        )
    )
    placeholder_cycle = itertools.cycle(PLACEHOLDERS)
    export = CsvExport(
        file,
        [
            "Order Number",
            "Customer Number",
            "Order Date",
            "Quantity",
            "Unit Price",
            "Country",
        ],
        line_end="\r\n",
    )
    for order in orders:
        customer = order.customer
        placeholder = next(placeholder_cycle) if rng.random() < 0.85 else ""
        for index, line in enumerate(order.lines):
            kind, detail, key = None, "", None
            if customer is None:
                cell = placeholder
                kind = "placeholder_customer_id" if cell else "missing_customer_id"
                detail = cell
            else:
                key = customer.key
                cell = customer.extra["raw"]
                style = kinds[key]
                if style == "zeros" and rng.random() < 0.8:
                    cell = str(int(cell))  # Excel dropped the zeros
                elif style == "loyalty" and rng.random() < 0.85:
                    cell = f"{int(cell):.5E}"
                    kind, detail = "exponent_id", cell
                if rng.random() < 0.06:
                    space = rng.choice(ODD_SPACES)
                    cell = space + cell if rng.random() < 0.5 else cell + space
                    detail = detail and visible(cell)
            quantity = -line.quantity if order.is_return else line.quantity
            price = en_amount(line.unit_price, thousands=line.unit_price >= 1000)
            if id(order) in bad_price and index == 0 and kind is None:
                price, kind, detail = "#VALUE!", "unparseable_amount", "#VALUE!"
            row = export.write_line(
                [
                    order.order_id,
                    cell,
                    order.at.strftime("%d/%m/%Y %H:%M"),
                    str(quantity),
                    price,
                    "United Kingdom",
                ],
                order,
                line,
                customer_id=key,
            )
            row.kind, row.detail = kind, detail
    # Excel keeps formatted but empty rows as rows of separators.
    for _ in range(3):
        number = export.write(["", "", "", "", "", ""])
        export.truth.append(Row(file, number, "empty_row", ""))
    text = export.text()
    blob = "\ufeff".encode() + text.encode("utf-8")
    broken = sum(row.kind == "unparseable_amount" for row in export.truth)
    return export.case(
        blob,
        name=name,
        description=(
            "An orders sheet that was opened in Excel, edited and saved as "
            '"CSV UTF-8 (Comma delimited)": a UTF-8 BOM, CRLF line ends, '
            "no product column. What Excel did to it: 12-digit loyalty-card "
            "customer numbers became 1.23457E+11 (the digits are gone; two "
            "different customers share one such form), except on the few "
            "rows typed in as text; customer numbers with leading zeros "
            "(00123) lost them on most rows (123) but not on rows pasted as "
            "text; some ids carry a no-break, zero-width, ideographic or "
            "figure space; anonymous orders say NULL, N/A, #N/A, -, nan, "
            f"None or nothing; {broken} prices are #VALUE!; prices of 1,000 and "
            "more have a thousands comma (quoted); dates are day-first "
            "dd/mm/yyyy HH:MM, and most of them (day 12 or lower) would also "
            "read month-first, wrongly; three rows of bare commas trail the "
            "file. Returns are rows with a negative Quantity on the original "
            "order number. Some orders hold two lines with the same quantity "
            "and price (different products, no product column): both count."
        ),
        columns={
            "customer_id": "Customer Number",
            "order_id": "Order Number",
            "ordered_at": "Order Date",
            "quantity": "Quantity",
            "unit_price": "Unit Price",
            "country": "Country",
        },
        reading=export.reading(
            encoding="utf-8",
            bom=True,
            decimal_separator=".",
            thousands=",",
            timestamp_format="%d/%m/%Y %H:%M",
            timestamp_trap="%m/%d/%Y %H:%M reads the rows whose day is 12 "
            "or lower, wrongly, and fails on the others",
            day_boundary="as written (no zone)",
            null_strings=("", *PLACEHOLDERS),
            customer_id="trim every Unicode space and zero-width "
            "character; strip leading zeros (00123 = 123); "
            "an exponent form is not an id",
            leading_zeros="strip",
            returns={
                "rule": "negative_quantity",
                "words": "A line with a negative Quantity is a return; its "
                "amount is subtracted. It shares the order number "
                "of the purchase it gives back from.",
            },
            line_key="none: no product or line-number column",
            currency={"constant": "GBP", "column": None},
        ),
        as_of=as_of,
        reporting_currency="GBP",
    )
