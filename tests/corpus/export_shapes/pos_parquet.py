"""pos_parquet: a point-of-sale Parquet dump, two stores, two writers."""

from __future__ import annotations

import io
from datetime import date, datetime
from decimal import Decimal

from export_shapes.truth import (
    ZERO,
    Case,
    Customer,
    Line,
    Order,
    Row,
    catalogue,
    counter_ids,
    make_rng,
    simulate,
    truth_row,
)

POS_ITEMS = [
    "Binder Clips",
    "Copy Paper A4",
    "Desk Lamp",
    "Office Chair",
    "Stapler",
    "Whiteboard",
    "Bookcase",
    "Envelopes",
    "Printer Toner",
    "Headset",
    "Monitor Arm",
    "Label Maker",
    "Storage Box",
    "Shredder",
]


def pos_parquet() -> Case:
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError as error:
        raise SystemExit(
            "pos_parquet needs pyarrow: run this script with the project's "
            ".venv/bin/python"
        ) from error

    name = "pos_parquet"
    rng = make_rng(name)
    as_of = date(2024, 1, 1)
    customers = [
        Customer(str(number), "", "", "US", "USD")
        for number in rng.sample(range(10_000, 99_999), 220)
    ]
    items = catalogue(rng, "OFF", POS_ITEMS, 40, 2, 400, "0.01")
    # Two stores; each customer shops mostly in their home store.
    home = {customer.key: rng.choice([1, 2]) for customer in customers}
    walk_ins: list[Customer | None] = [None] * 15
    placeholder = counter_ids("tmp-{}", 0)
    orders = simulate(
        rng,
        customers + walk_ins,
        date(2023, 1, 2),
        date(2024, 1, 1),
        items,
        next_order_id=placeholder,
        return_rate=0.1,
        night_share=0.0,
        next_return_id=placeholder,
    )
    # A customer who only brought a gift back: a return with no purchase.
    gift = Customer(str(rng.randint(100_000, 199_999)), "", "", "US", "USD")
    orders.append(
        Order(
            "tmp-gift",
            gift,
            datetime(2023, 12, 27, 11, 5),
            "USD",
            [Line(items[3].sku, items[3].name, 1, items[3].unit_price)],
            is_return=True,
        )
    )
    orders.sort(key=lambda order: (order.at, order.order_id))
    # Transaction numbers run per store in time order.
    numbering = {
        1: counter_ids("CA-2023-{:06d}", 100_101),
        2: counter_ids("CA-2023-{:06d}", 500_101),
    }
    store_of: dict[str, int] = {}
    for order in orders:
        store = rng.choice([1, 2])
        if order.customer is not None and rng.random() < 0.8:
            store = home.get(order.customer.key, 1)
        order.order_id = numbering[store]()
        store_of[order.order_id] = store
    free = set(
        rng.sample([o.order_id for o in orders if o.customer and not o.is_return], 3)
    )

    records: dict[int, list[dict]] = {1: [], 2: []}
    truth: list[Row] = []
    files = {1: "store_001_2023.parquet", 2: "store_002_2023.parquet"}
    for order in orders:
        store = store_of[order.order_id]
        for line_no, line in enumerate(order.lines, start=1):
            price = line.unit_price
            kind = None
            if order.order_id in free and line_no == 1:
                price, kind = ZERO, "non_positive_unit_price"
            total = price * line.quantity * (-1 if order.is_return else 1)
            customer_id: int | float | None = None
            if order.customer is not None:
                customer_id = int(order.customer.key)
                if store == 2:
                    customer_id = float(customer_id)
            records[store].append(
                {
                    "transaction_id": order.order_id,
                    "line_no": line_no,
                    "store_id": f"S{store:03d}",
                    "register_id": rng.randint(1, 4),
                    "sold_at": order.at,
                    "customer_id": customer_id,
                    "sku": line.sku,
                    "description": line.name,
                    "quantity": line.quantity,
                    "unit_price": price,
                    "line_total": total,
                    "is_return": order.is_return,
                    "payment_type": rng.choice(["card", "card", "cash"]),
                }
            )
            row = truth_row(
                files[store],
                len(records[store]),
                order,
                Line(line.sku, line.name, line.quantity, price),
                Decimal(1),
                order.at.date(),
            )
            if order.customer is None:
                row.kind = "missing_customer_id"
            elif kind:
                row.kind, row.detail = kind, "0.00"
            truth.append(row)
    # Store 2's sync sent one batch twice: the same lines again at the end.
    resent = [
        r for r in records[2] if r["customer_id"] is not None and r["unit_price"] > 0
    ][200:206]
    for record in resent:
        records[2].append(dict(record))
        truth.append(
            Row(
                files[2],
                len(records[2]),
                "duplicate_line",
                f"{record['transaction_id']} line {record['line_no']}",
                day=record["sold_at"].date(),
            )
        )

    blobs = {}
    store1 = pa.schema(
        [
            ("transaction_id", pa.string()),
            ("line_no", pa.int16()),
            ("store_id", pa.string()),
            ("register_id", pa.int8()),
            ("sold_at", pa.timestamp("ms")),
            ("customer_id", pa.int64()),
            ("sku", pa.string()),
            ("description", pa.string()),
            ("quantity", pa.int32()),
            ("unit_price", pa.decimal128(9, 2)),
            ("line_total", pa.decimal128(11, 2)),
            ("is_return", pa.bool_()),
            ("payment_type", pa.string()),
        ]
    )
    store2 = pa.schema(
        [
            ("transaction_id", pa.string()),
            ("line_no", pa.int64()),
            ("store_id", pa.string()),
            ("register_id", pa.int64()),
            ("sold_at", pa.timestamp("ns")),
            ("customer_id", pa.float64()),
            ("sku", pa.string()),
            ("description", pa.string()),
            ("quantity", pa.int64()),
            ("unit_price", pa.float64()),
            ("line_total", pa.float64()),
            ("is_return", pa.bool_()),
            ("payment_type", pa.string()),
        ]
    )
    for store, schema in ((1, store1), (2, store2)):
        table_rows = records[store]
        if store == 2:
            table_rows = [
                dict(
                    r,
                    unit_price=float(r["unit_price"]),
                    line_total=float(r["line_total"]),
                )
                for r in table_rows
            ]
        table = pa.Table.from_pylist(table_rows, schema=schema)
        sink = io.BytesIO()
        pq.write_table(table, sink, compression="snappy", write_statistics=True)
        blobs[files[store]] = sink.getvalue()
    return Case(
        name=name,
        description=(
            "A point-of-sale system's Parquet dump, one file per store, "
            "written by two different exporters. Columns are typed: "
            "store_001 has customer_id BIGINT, quantity INT32, unit_price "
            "DECIMAL(9,2) and millisecond timestamps; store_002 (written "
            "through pandas) has customer_id DOUBLE (19719.0, NaN-free but "
            "null for walk-ins), quantity BIGINT, unit_price DOUBLE and "
            "nanosecond timestamps. The same customer appears in both files "
            "as 19719 and 19719.0. Transaction ids look like "
            "CA-2023-100123 (store prefix, year, number): the leading C is "
            "not a return mark. Returns are their own transactions with "
            "is_return = true, quantity written positive and line_total "
            "negative. sold_at is the store's wall clock. Store 2's sync "
            "sent one batch twice, at the end of its file. A few promotional "
            "items were given away at price 0. One customer only brought a "
            "gift back (a return with no purchase)."
        ),
        files=[files[1], files[2]],
        columns={
            "customer_id": "customer_id",
            "order_id": "transaction_id",
            "ordered_at": "sold_at",
            "product_id": "sku",
            "quantity": "quantity",
            "unit_price": "unit_price",
        },
        reading={
            "format": "parquet",
            "union_by_name": True,
            "timestamp_format": None,
            "day_boundary": "as written (store wall clock, no time zone)",
            "customer_id": "integers as their decimal digits: 19719 and "
            '19719.0 are the same customer "19719"',
            "returns": {
                "rule": "flag_column",
                "column": "is_return",
                "words": "A line with is_return = true is a return; its "
                "amount (quantity x unit_price, both written "
                "positive) is subtracted. Transaction ids starting "
                "with C are ordinary sales.",
            },
            "line_key": "transaction_id + line_no",
            "currency": {"constant": "USD", "column": None},
        },
        as_of=as_of,
        reporting_currency="USD",
        rows=truth,
        blobs=blobs,
    )
