"""monthly_drop: one CSV per month, written by a nightly job."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from export_shapes.truth import (
    Case,
    Customer,
    Order,
    Row,
    catalogue,
    counter_ids,
    make_rng,
    simulate,
)
from export_shapes.writer import CsvExport


def monthly_drop() -> Case:
    name = "monthly_drop"
    rng = make_rng(name)
    as_of = date(2024, 6, 16)
    customers = [
        Customer(f"CUST-{number:05d}", "", "", "NL", "EUR")
        for number in rng.sample(range(1, 20_000), 140)
    ]
    items = catalogue(rng, "SKU", ["x"], 35, 4, 250, "0.01")
    orders = simulate(
        rng,
        customers,
        date(2024, 2, 1),
        date(2024, 7, 1),
        items,
        next_order_id=counter_ids("SO-{:06d}", 310_001),
        return_rate=0.1,
        next_return_id=counter_ids("RMA-{:06d}", 4_001),
        night_share=0.02,
    )
    # The May export failed and wrote an empty file: no May lines anywhere.
    orders = [o for o in orders if o.at.month != 5]
    standard = [
        "order_id",
        "customer_id",
        "ordered_at",
        "sku",
        "quantity",
        "unit_price",
    ]
    layouts = {
        "orders_2024-01.csv": standard,
        "orders_2024-02.csv": standard,
        "orders_2024-03.csv": standard,
        "orders_2024-04.csv": [
            "ordered_at",
            "order_id",
            "sku",
            "quantity",
            "unit_price",
            "customer_id",
        ],
        "orders_2024-05.csv": None,
        "orders_2024-06.csv": [*standard, "channel"],
    }
    truth: list[Row] = []
    blobs: dict[str, bytes] = {}
    by_month: dict[str, list[Order]] = defaultdict(list)
    for order in orders:
        by_month[f"orders_{order.at:%Y-%m}.csv"].append(order)
    # The March job re-exported the last day of February first.
    overlap = [
        o for o in by_month["orders_2024-02.csv"] if o.at.date() == date(2024, 2, 29)
    ]
    for file, layout in layouts.items():
        if layout is None:
            blobs[file] = b""
            continue
        export = CsvExport(file, layout, truth=truth)
        month_orders = by_month.get(file, [])
        plan = [(o, True) for o in overlap] if file.endswith("03.csv") else []
        plan += [(o, False) for o in month_orders]
        for order, is_copy in plan:
            for line in order.lines:
                values = {
                    "order_id": order.order_id,
                    "customer_id": order.customer.key,
                    "ordered_at": order.at.strftime("%Y-%m-%d %H:%M:%S"),
                    "sku": line.sku,
                    "quantity": str(line.quantity),
                    "unit_price": f"{line.unit_price:.2f}",
                    "channel": rng.choice(["web", "app"]),
                }
                if is_copy:
                    number = export.write(values)
                    truth.append(
                        Row(
                            file,
                            number,
                            "duplicate_line",
                            f"{order.order_id} {line.sku} again",
                            day=order.at.date(),
                        )
                    )
                else:
                    export.write_line(values, order, line)
        blobs[file] = export.text().encode("utf-8")
    return Case(
        name=name,
        description=(
            "A nightly job drops one CSV per month (orders_2024-01.csv ... "
            "orders_2024-06.csv; comma, UTF-8, LF). January has only the "
            "header line (the shop opened in February). The March file "
            "starts with the lines of 29 February again (the job re-ran "
            "over the last day). April's file has the same columns in "
            "another order. May's export failed: a file of 0 bytes. June's "
            "file has an extra column, channel, at the end. Returns are RMA "
            "documents (RMA-nnnnnn) whose quantity is written positive, the "
            "way a returns desk counts items back; sales are SO-nnnnnn. The "
            "drop runs to the end of June; the figures are wanted as of 16 "
            "June (a re-run of a past report)."
        ),
        files="orders_2024-*.csv",
        columns={
            "customer_id": "customer_id",
            "order_id": "order_id",
            "ordered_at": "ordered_at",
            "product_id": "sku",
            "quantity": "quantity",
            "unit_price": "unit_price",
        },
        # Every month's file is written in the same dialect: the last
        # one's reading facts are those of all.
        reading=export.reading(
            encoding="utf-8",
            timestamp_format="%Y-%m-%d %H:%M:%S",
            day_boundary="as written (no zone)",
            union_by_name=True,
            empty_files="orders_2024-01.csv has a header and no line; "
            "orders_2024-05.csv is 0 bytes: both hold no "
            "order line",
            customer_id="as written",
            returns={
                "rule": "prefix",
                "pattern": "RMA-",
                "words": "A line whose order id starts with RMA- is a "
                "return; its quantity is written positive and its "
                "amount is subtracted.",
            },
            line_key="order_id + sku (an order never lists a SKU twice)",
            currency={"constant": "EUR", "column": None},
        ),
        as_of=as_of,
        reporting_currency="EUR",
        rows=truth,
        blobs=blobs,
    )
