"""storefront_orders: a Shopify-like orders export."""

from __future__ import annotations

import random
import string
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from export_shapes.truth import (
    ZERO,
    Case,
    Customer,
    Line,
    Order,
    catalogue,
    counter_ids,
    email_of,
    make_rng,
    money,
    names,
    simulate,
)
from export_shapes.writer import CsvExport

SHOPIFY_COLUMNS = [
    "Name",
    "Email",
    "Financial Status",
    "Paid at",
    "Fulfillment Status",
    "Fulfilled at",
    "Accepts Marketing",
    "Currency",
    "Subtotal",
    "Shipping",
    "Taxes",
    "Total",
    "Discount Code",
    "Discount Amount",
    "Shipping Method",
    "Created at",
    "Lineitem quantity",
    "Lineitem name",
    "Lineitem price",
    "Lineitem compare at price",
    "Lineitem sku",
    "Lineitem requires shipping",
    "Lineitem taxable",
    "Lineitem fulfillment status",
    "Billing Name",
    "Billing Street",
    "Billing Address1",
    "Billing Address2",
    "Billing Company",
    "Billing City",
    "Billing Zip",
    "Billing Province",
    "Billing Country",
    "Billing Phone",
    "Shipping Name",
    "Shipping Street",
    "Shipping Address1",
    "Shipping Address2",
    "Shipping Company",
    "Shipping City",
    "Shipping Zip",
    "Shipping Province",
    "Shipping Country",
    "Shipping Phone",
    "Notes",
    "Note Attributes",
    "Cancelled at",
    "Payment Method",
    "Payment Reference",
    "Refunded Amount",
    "Vendor",
    "Outstanding Balance",
    "Employee",
    "Location",
    "Device ID",
    "Id",
    "Tags",
    "Risk Level",
    "Source",
    "Lineitem discount",
    "Tax 1 Name",
    "Tax 1 Value",
    "Phone",
    "Receipt Number",
    "Duties",
    "Billing Province Name",
    "Shipping Province Name",
    "Payment ID",
    "Payment Terms Name",
    "Next Payment Due At",
    "Payment References",
]
# Columns Shopify repeats on every line item row (the Lineitem ones and four
# more); the rest only on the first.
SHOPIFY_LINE_COLUMNS = {"Name", "Email", "Created at", "Vendor"} | {
    column for column in SHOPIFY_COLUMNS if column.startswith("Lineitem ")
}
CITIES = [
    ("Berlin", "10115"),
    ("Hamburg", "20095"),
    ("München", "80331"),
    ("Köln", "50667"),
    ("Leipzig", "04109"),
    ("Wien", "1010"),
    ("Dresden", "01067"),
    ("Bremen", "28195"),
]


def last_sunday(year: int, month: int) -> date:
    day = date(year, month + 1, 1) - timedelta(days=1)
    return day - timedelta(days=(day.weekday() + 1) % 7)


def berlin_offset(instant_utc: datetime) -> timedelta:
    """Central European offset: +02:00 from the last Sunday of March 01:00
    UTC to the last Sunday of October 01:00 UTC, else +01:00."""
    year = instant_utc.year
    summer_from = datetime.combine(
        last_sunday(year, 3), datetime.min.time()
    ) + timedelta(hours=1)
    summer_to = datetime.combine(
        last_sunday(year, 10), datetime.min.time()
    ) + timedelta(hours=1)
    naive = instant_utc.replace(tzinfo=None)
    return timedelta(hours=2 if summer_from <= naive < summer_to else 1)


def shopify_time(instant_utc: datetime) -> str:
    offset = berlin_offset(instant_utc)
    local = instant_utc.replace(tzinfo=None) + offset
    hours = int(offset.total_seconds() // 3600)
    return local.strftime("%Y-%m-%d %H:%M:%S") + f" +{hours:02d}00"


def storefront_orders() -> Case:
    name = "storefront_orders"
    rng = make_rng(name)
    file = "orders_export_1.csv"
    as_of = date(2024, 7, 1)
    customers = []
    for number in range(160):
        first, last = names(rng, 0.25)
        email = email_of(first, last, 100 + number)
        city, zip_code = rng.choice(CITIES)
        country = "AT" if city == "Wien" else "DE"
        customers.append(
            Customer(
                email,
                f"{first} {last}",
                email,
                country,
                extra={"city": city, "zip": zip_code},
            )
        )
    walk_ins = [None] * 12
    items = catalogue(
        rng,
        "TEE",
        [
            "Organic Tee - Black / M",
            "Organic Tee - White / L",
            "Hoodie - Navy",
            "Canvas Tote",
            "Beanie - Rust",
            "Enamel Mug",
            "Socks 3-Pack",
            "Linen Shirt - Sand / S",
            "Cap - Olive",
            "Sticker Set",
        ],
        24,
        5,
        89,
        "0.01",
    )
    next_name = counter_ids("#{}", 1001)

    orders = simulate(
        rng,
        customers + walk_ins,
        date(2023, 6, 30),
        date(2024, 7, 3),
        items,
        next_order_id=next_name,
        night_share=0.08,
    )
    # The clock written is Berlin's; the truth instant is that wall time
    # read as UTC shifted by the offset. Re-stamp in UTC so the offset is
    # applied exactly once.
    for order in orders:
        order.at = order.at.replace(tzinfo=UTC)
    # Edge orders around the as-of date: just before midnight UTC (after it
    # in Berlin), and safely after.
    edge_customer = customers[3]
    orders.append(
        Order(
            next_name(),
            edge_customer,
            datetime(2024, 6, 30, 22, 40, 5, tzinfo=UTC),
            "EUR",
            [Line(items[0].sku, items[0].name, 1, items[0].unit_price)],
        )
    )
    orders.append(
        Order(
            next_name(),
            customers[7],
            datetime(2024, 7, 1, 7, 12, 40, tzinfo=UTC),
            "EUR",
            [Line(items[2].sku, items[2].name, 2, items[2].unit_price)],
        )
    )
    # Two line items with the same SKU, quantity and price: the second carries
    # another engraving (a line item property the export leaves out).
    twin = items[5]
    orders.append(
        Order(
            next_name(),
            customers[11],
            datetime(2024, 2, 14, 9, 30, 0, tzinfo=UTC),
            "EUR",
            [
                Line(twin.sku, twin.name + " - engraved", 1, twin.unit_price),
                Line(twin.sku, twin.name + " - engraved", 1, twin.unit_price),
            ],
        )
    )
    # Order names follow creation time, as Shopify numbers them.
    orders.sort(key=lambda order: order.at)
    for number, order in enumerate(orders):
        order.order_id = f"#{1001 + number}"
    refunded = {}
    for order in orders:
        if order.customer is not None and rng.random() < 0.06:
            subtotal = sum(line.unit_price * line.quantity for line in order.lines)
            part = order.lines[0].unit_price if rng.random() < 0.5 else subtotal
            refunded[order.order_id] = (part, part == subtotal)

    export = CsvExport(file, SHOPIFY_COLUMNS)
    # Shopify lists the newest order first.
    for order in sorted(orders, key=lambda order: order.at, reverse=True):
        customer = order.customer
        created = shopify_time(order.at)
        subtotal = sum(line.unit_price * line.quantity for line in order.lines)
        shipping = ZERO if subtotal >= 50 or customer is None else Decimal("4.90")
        total = subtotal + shipping
        taxes = money(total * 19 / 119)
        is_pos = customer is None
        refund, full = refunded.get(order.order_id, (ZERO, False))
        financial = "refunded" if full else "partially_refunded" if refund else "paid"
        paid_at = shopify_time(order.at + timedelta(seconds=rng.randint(2, 40)))
        for index, line in enumerate(order.lines):
            values = {
                "Name": order.order_id,
                "Email": customer.email if customer else "",
                "Created at": created,
                "Lineitem quantity": str(line.quantity),
                "Lineitem name": line.name,
                "Lineitem price": f"{line.unit_price:.2f}",
                "Lineitem sku": line.sku,
                "Lineitem requires shipping": "false" if is_pos else "true",
                "Lineitem taxable": "true",
                "Lineitem fulfillment status": "fulfilled",
                "Vendor": "Nordfaden",
                "Lineitem discount": "0.00",
            }
            if index == 0:
                values.update(
                    shopify_first_row(
                        rng,
                        order,
                        customer,
                        financial,
                        paid_at,
                        subtotal,
                        shipping,
                        taxes,
                        total,
                        refund,
                    )
                )
            row = export.write_line(values, order, line)
            if customer is None:
                row.kind, row.detail = "missing_customer_id", ""
    blob = export.text().encode("utf-8")
    twin_order = next(
        o for o in orders if len(o.lines) == 2 and o.lines[0] == o.lines[1]
    )
    return export.case(
        blob,
        name=name,
        description=(
            "A Shopify-style orders export (Admin > Orders > Export, "
            "orders_export_1.csv): comma-separated UTF-8 without a BOM, LF "
            "line ends, 71 columns, newest order first, one row per line "
            "item. Order-level fields (Financial Status, Currency, totals, "
            "addresses, Phone, Refunded Amount, Source) are filled on an "
            "order's first row only; Name, Email, Created at and the "
            "Lineitem columns repeat on every row. Order names are #1001, "
            "#1002, ... The customer is known by Email; point-of-sale "
            "walk-ins have no Email. Created at is Berlin wall time with its "
            "UTC offset (+0100 in winter, +0200 in summer), so an order "
            "placed after midnight in Berlin can fall on the previous UTC "
            "day. Refunds are order-level only (Financial Status refunded / "
            "partially_refunded, Refunded Amount on the first row): the line "
            "items keep the quantities sold, so in line terms the file has "
            f"no return lines. Order {twin_order.order_id} has two line items "
            "with the same SKU, quantity and price (two engravings): two real "
            "lines, not a duplicate."
        ),
        columns={
            "customer_id": "Email",
            "order_id": "Name",
            "ordered_at": "Created at",
            "product_id": "Lineitem sku",
            "quantity": "Lineitem quantity",
            "unit_price": "Lineitem price",
            "email": "Email",
        },
        reading=export.reading(
            encoding="utf-8",
            decimal_separator=".",
            thousands=None,
            timestamp_format="%Y-%m-%d %H:%M:%S %z",
            day_boundary="UTC: the offset is applied, then the UTC date "
            "is the order date",
            customer_id="Email as written (all lower case here)",
            returns={
                "rule": "none",
                "words": "No line is a return. Refunds exist only as "
                "order-level amounts (Refunded Amount) and are not "
                "subtracted: the expected figures count the line "
                "items sold.",
            },
            currency={
                "constant": "EUR",
                "column": None,
                "words": "One shop currency; the Currency column "
                "says EUR on each order's first row and is "
                "blank on the others, so it is not mapped.",
            },
            line_key="none: Shopify writes no line number, and the same "
            "SKU can appear twice in one order",
        ),
        as_of=as_of,
        reporting_currency="EUR",
        notes=[
            f"Order {twin_order.order_id}: two identical line-item rows, "
            "both count (kind of trap for exact-duplicate detection)."
        ],
    )


def shopify_first_row(
    rng: random.Random,
    order: Order,
    customer: Customer | None,
    financial: str,
    paid_at: str,
    subtotal: Decimal,
    shipping: Decimal,
    taxes: Decimal,
    total: Decimal,
    refund: Decimal,
) -> dict[str, str]:
    is_pos = customer is None
    values = {
        "Financial Status": financial,
        "Paid at": paid_at,
        "Fulfillment Status": "fulfilled",
        "Fulfilled at": paid_at
        if is_pos
        else shopify_time(order.at + timedelta(days=1, hours=rng.randint(1, 9))),
        "Accepts Marketing": rng.choice(["yes", "no"]),
        "Currency": "EUR",
        "Subtotal": f"{subtotal:.2f}",
        "Shipping": f"{shipping:.2f}",
        "Taxes": f"{taxes:.2f}",
        "Total": f"{total:.2f}",
        "Discount Amount": "0.00",
        "Shipping Method": "" if is_pos else "Standard (DHL)",
        "Payment Method": "Shopify Payments"
        if rng.random() < 0.7
        else "PayPal Express Checkout",
        "Payment Reference": f"c{rng.randint(10**10, 10**11 - 1)}.1",
        "Refunded Amount": f"{refund:.2f}",
        "Outstanding Balance": "0.00",
        "Id": str(5_400_000_000_000 + rng.randint(10**6, 10**8)),
        "Risk Level": "Low",
        "Source": "pos" if is_pos else "web",
        "Tax 1 Name": "DE MwSt 19%",
        "Tax 1 Value": f"{taxes:.2f}",
        "Payment ID": "".join(rng.choices(string.ascii_letters + string.digits, k=24)),
        "Payment References": "".join(
            rng.choices(string.ascii_letters + string.digits, k=24)
        ),
    }
    if is_pos:
        values.update(
            {
                "Location": "Nordfaden Store Berlin",
                "Employee": "Mara K.",
                "Device ID": "3412",
                "Receipt Number": str(rng.randint(1000, 9999)),
            }
        )
        return values
    city, zip_code = customer.extra["city"], customer.extra["zip"]
    country = customer.country
    street = (
        f"{rng.choice(['Hauptstraße', 'Lindenweg', 'Am Markt'])} {rng.randint(1, 120)}"
    )
    phone = f"+49 151 {rng.randint(1000000, 9999999)}" if rng.random() < 0.4 else ""
    for side in ("Billing", "Shipping"):
        values.update(
            {
                f"{side} Name": customer.name,
                f"{side} Street": street,
                f"{side} Address1": street,
                f"{side} City": city,
                f"{side} Zip": zip_code,
                f"{side} Country": country,
                f"{side} Phone": phone,
            }
        )
    values["Phone"] = phone
    values["Tags"] = rng.choice(["", "", "vip", "newsletter"])
    return values
