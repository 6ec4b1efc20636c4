"""spreadsheet_utf16: Excel's "Unicode Text" export, US settings."""

from __future__ import annotations

from datetime import date

from export_shapes.truth import (
    Case,
    Customer,
    catalogue,
    counter_ids,
    make_rng,
    simulate,
)
from export_shapes.writer import CsvExport

UTF16_ITEMS = [
    "Café ☕ mug",
    '12" vinyl record',
    "Matcha 抹茶 tin",
    "Crème brûlée set",
    "Piñata",
    "Smørrebrød board",
    "Tote — natural",
    "Nguyễn phin filter",
    "Jalapeño sauce",
    "Ramen 拉麵 bowl",
    "Poster «Paris»",
]


def spreadsheet_utf16() -> Case:
    name = "spreadsheet_utf16"
    rng = make_rng(name)
    file = "Orders FY2024.txt"
    as_of = date(2024, 7, 1)
    customers = []
    for number in rng.sample(range(1_000, 9_999), 120):
        first = rng.choice(
            [
                "Zoë",
                "José",
                "Thảo",
                "Søren",
                "Nuño",
                "Chloé",
                "Amélie",
                "Dmitrij",
                "Aiyana",
                "Kenji",
                "Mia",
            ]
        )
        last = rng.choice(
            [
                "Nguyễn",
                "García",
                "O'Brien",
                "Müller",
                "Smith",
                "Tanaka 田中",
                "Dubois",
                "Øberg",
                "Johnson",
            ]
        )
        customers.append(
            Customer(
                str(number),
                f"{first} {last}",
                "",
                "US",
                "USD",
                {"state": rng.choice(["CA", "NY", "TX", "WA", "IL"])},
            )
        )
    items = catalogue(rng, "U", UTF16_ITEMS, 22, 3, 180, "0.01")
    orders = simulate(
        rng,
        customers,
        date(2023, 7, 1),
        date(2024, 7, 1),
        items,
        next_order_id=counter_ids("{}", 70_001),
        return_rate=0.08,
        next_return_id=lambda order: f"R{order.original.order_id}",
        night_share=0.02,
    )
    export = CsvExport(
        file,
        [
            "Order ID",
            "Customer ID",
            "Customer Name",
            "Order Date",
            "Product",
            "Quantity",
            "Unit Price",
            "State",
        ],
        delimiter="\t",
        line_end="\r\n",
    )
    for order in orders:
        customer = order.customer
        stamp = order.at
        text_date = (
            f"{stamp.month}/{stamp.day}/{stamp.year} {stamp.hour}:{stamp.minute:02d}"
        )
        for line in order.lines:
            quantity = -line.quantity if order.is_return else line.quantity
            # Excel's General format drops trailing zeros: 19.9, 20.
            price = format(line.unit_price.normalize(), "f")
            export.write_line(
                [
                    order.order_id,
                    customer.key,
                    customer.name,
                    text_date,
                    line.name,
                    str(quantity),
                    price,
                    customer.extra["state"],
                ],
                order,
                line,
            )
    text = export.text()
    blob = "\ufeff".encode("utf-16-le") + text.encode("utf-16-le")
    return export.case(
        blob,
        name=name,
        description=(
            'An order list saved from Excel (US settings) as "Unicode Text '
            '(*.txt)": UTF-16 little-endian with a BOM, tab-delimited, CRLF '
            "line ends, fields quoted only when they hold a quote or a tab "
            '(12"" vinyl record). Names and products use characters no '
            "single-byte code page has (Nguyễn, 抹茶, ☕). Order Date is "
            "Excel's m/d/yyyy h:mm with no leading zeros (3/5/2024 9:05 is 5 "
            "March); day-first would read the rows whose day is 12 or lower, "
            "wrongly, and fail on the rest. Prices are in Excel's General "
            "format: trailing zeros dropped (19.9, 20). Returns have their "
            "own order id (R + the original order id) and a negative "
            "Quantity."
        ),
        columns={
            "customer_id": "Customer ID",
            "order_id": "Order ID",
            "ordered_at": "Order Date",
            "quantity": "Quantity",
            "unit_price": "Unit Price",
            "country": None,
        },
        reading=export.reading(
            encoding="utf-16",
            bom=True,
            decimal_separator=".",
            thousands=None,
            timestamp_format="%m/%d/%Y %H:%M",
            timestamp_trap="%d/%m/%Y %H:%M reads the rows whose day is 12 "
            "or lower, wrongly, and fails on the others",
            day_boundary="as written (no zone)",
            customer_id="as written",
            returns={
                "rule": "negative_quantity",
                "words": "A line with a negative Quantity is a return (order "
                "ids R...); its amount is subtracted.",
            },
            line_key="none: no product code (Product is a display name)",
            currency={"constant": "USD", "column": None},
        ),
        as_of=as_of,
        reporting_currency="USD",
    )
