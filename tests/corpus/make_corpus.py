"""Write the corpus of real-world export shapes and the ground truth of each.

Every case starts from orders made up here (customers, orders, lines,
timestamps, amounts, currencies, returns), writes them in the shape one kind
of system writes, and works out the expected result from those orders with
plain Python and exact decimals. Nothing here imports the project's code.

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
import io
import itertools
import json
import random
import string
import sys
import textwrap
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

HERE = Path(__file__).resolve().parent
SEED = "rfm-corpus-2024"
CENT = Decimal("0.01")
ZERO = Decimal(0)

# --------------------------------------------------------------------------
# Ground truth
# --------------------------------------------------------------------------


@dataclass
class Customer:
    key: str  # canonical id, as expected_customers.csv writes it
    name: str
    email: str
    country: str
    currency: str = "EUR"
    extra: dict = field(default_factory=dict)


@dataclass
class Line:
    sku: str
    name: str
    quantity: int  # always positive; a return says so with Order.is_return
    unit_price: Decimal  # in the order's currency


@dataclass
class Order:
    order_id: str
    customer: Customer | None
    at: datetime  # naive wall clock, or aware when the system writes UTC
    currency: str
    lines: list[Line]
    is_return: bool = False
    original: Order | None = None  # the order a return gives back from


@dataclass
class Row:
    """One data record of one file and what it means."""

    file: str
    number: int  # 1-based record number after the header
    kind: str | None = None  # why it does not count; None = it counts
    detail: str = ""
    customer_id: str | None = None
    order_id: str | None = None
    day: date | None = None
    is_return: bool = False
    amount: Decimal = ZERO  # signed, in the reporting currency


@dataclass
class Case:
    name: str
    description: str
    files: list[str] | str
    columns: dict
    reading: dict
    as_of: date
    reporting_currency: str
    rows: list[Row]
    blobs: dict[str, bytes]
    rates: dict[str, Decimal] | None = None
    notes: list[str] = field(default_factory=list)


FIRST_NAMES = [
    "Anna",
    "Ben",
    "Clara",
    "David",
    "Emma",
    "Felix",
    "Greta",
    "Hannah",
    "Ida",
    "Jonas",
    "Karl",
    "Lena",
    "Maja",
    "Noah",
    "Olivia",
    "Paul",
    "Rosa",
    "Simon",
    "Theo",
    "Ute",
    "Vera",
    "Wim",
    "Yara",
    "Zoe",
]
LAST_NAMES = [
    "Schmidt",
    "Meyer",
    "Wagner",
    "Becker",
    "Hoffmann",
    "Koch",
    "Richter",
    "Klein",
    "Wolf",
    "Neumann",
    "Schwarz",
    "Zimmermann",
    "Braun",
    "Hartmann",
    "Lange",
    "Krause",
    "Werner",
    "Lehmann",
    "Walter",
    "Peters",
]
ACCENTED_FIRST = [
    "Jürgen",
    "Françoise",
    "José",
    "Sören",
    "Zoë",
    "Björn",
    "Renée",
    "Agnès",
    "Øystein",
    "Małgosia",
    "Çağla",
    "Ines",
    "Mónica",
    "Frédéric",
    "Jörg",
]
ACCENTED_LAST = [
    "Müller",
    "Groß",
    "Schäfer",
    "Böhm",
    "Kühn",
    "Jäger",
    "Krüger",
    "Weiß",
    "Lefèvre",
    "Muñoz",
    "Dvořák",
    "Ødegård",
    "Doğan",
    "Gärtner",
    "Fuß",
]


def make_rng(case: str) -> random.Random:
    return random.Random(f"{SEED}/{case}")


def money(value: Decimal | int | str) -> Decimal:
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def pick_price(rng: random.Random, low: int, high: int, step: str) -> Decimal:
    """A price between low and high on a grid of step (e.g. "0.10")."""
    grid = Decimal(step)
    count = int((Decimal(high) - Decimal(low)) / grid)
    return Decimal(low) + grid * rng.randint(1, count)


def catalogue(
    rng: random.Random,
    prefix: str,
    names: list[str],
    size: int,
    low: int,
    high: int,
    step: str,
) -> list[Line]:
    items = []
    for number in range(size):
        name = names[number % len(names)]
        if number >= len(names):
            name = f"{name} ({chr(ord('A') + number // len(names))})"
        price = pick_price(rng, low, high, step)
        items.append(Line(f"{prefix}-{1000 + number * 7}", name, 1, price))
    return items


def random_time(rng: random.Random, day: date, night_share: float) -> datetime:
    if rng.random() < night_share:
        hour = rng.choice([0, 0, 1, 23])
    else:
        hour = rng.choices(
            range(7, 23), weights=[1, 2, 3, 4, 4, 4, 3, 3, 3, 4, 5, 6, 6, 5, 3, 2]
        )[0]
    return datetime(
        day.year, day.month, day.day, hour, rng.randrange(60), rng.randrange(60)
    )


def simulate(
    rng: random.Random,
    customers: list[Customer],
    start: date,
    end: date,
    items: list[Line],
    *,
    next_order_id: Callable[[datetime], str],
    next_return_id: Callable[[Order], str] | None = None,
    return_rate: float = 0.0,
    mean_orders: float = 1.8,
    max_lines: int = 4,
    max_quantity: int = 3,
    night_share: float = 0.03,
    price_of: Callable[[Line, Customer | None], Decimal] | None = None,
) -> list[Order]:
    """Orders of the customers between start and end (exclusive), in time
    order, and the returns of some of them."""
    span = (end - start).days
    drafts: list[tuple[datetime, Customer | None]] = []
    for customer in customers:
        count = min(1 + int(rng.expovariate(1 / mean_orders)), 12)
        day = start + timedelta(days=rng.randrange(span))
        for _ in range(count):
            if day >= end:
                break
            drafts.append((random_time(rng, day, night_share), customer))
            day += timedelta(days=1 + int(rng.expovariate(1 / 40)))
    drafts.sort(key=lambda draft: (draft[0], draft[1].key if draft[1] else ""))
    orders: list[Order] = []
    for at, customer in drafts:
        lines = []
        for item in rng.sample(
            items,
            rng.choices(range(1, max_lines + 1), weights=[6, 3, 2, 1][:max_lines])[0],
        ):
            price = price_of(item, customer) if price_of else item.unit_price
            quantity = rng.choices(
                range(1, max_quantity + 1), weights=[8, 3, 1, 1][:max_quantity]
            )[0]
            lines.append(Line(item.sku, item.name, quantity, price))
        currency = customer.currency if customer else "EUR"
        orders.append(Order(next_order_id(at), customer, at, currency, lines))
    if next_return_id is not None:
        returns = []
        for order in orders:
            if order.customer is None or rng.random() >= return_rate:
                continue
            at = order.at + timedelta(
                days=rng.randint(2, 30), minutes=rng.randint(5, 600)
            )
            if at.date() >= end:
                continue
            line = rng.choice(order.lines)
            back = Line(
                line.sku, line.name, rng.randint(1, line.quantity), line.unit_price
            )
            returns.append(
                Order(
                    "",
                    order.customer,
                    at,
                    order.currency,
                    [back],
                    is_return=True,
                    original=order,
                )
            )
        returns.sort(key=lambda order: order.at)
        for order in returns:
            order.order_id = next_return_id(order)
        orders = sorted(orders + returns, key=lambda order: order.at)
    return orders


def counter_ids(template: str, start: int) -> Callable[..., str]:
    state = {"next": start}

    def next_id(*_args: object) -> str:
        value = template.format(state["next"])
        state["next"] += 1
        return value

    return next_id


def truth_row(
    file: str,
    number: int,
    order: Order,
    line: Line,
    rate: Decimal,
    day: date,
    customer_id: str | None = None,
    sign_from_return: bool = True,
) -> Row:
    amount = line.unit_price * line.quantity * rate
    if sign_from_return and order.is_return:
        amount = -amount
    if amount != amount.quantize(CENT):
        raise ValueError(f"{file}:{number}: amount {amount} is not whole cents")
    key = (
        customer_id
        if customer_id is not None
        else (order.customer.key if order.customer else None)
    )
    return Row(
        file, number, None, "", key, order.order_id, day, order.is_return, amount
    )


def visible(value: str) -> str:
    """A cell value with invisible characters spelled out, for bad_lines.csv."""
    out = []
    for char in value:
        if char.isprintable() and char not in "\u00a0\u3000":
            out.append(char)
        else:
            out.append(f"\\u{ord(char):04x}")
    return "".join(out)


def csv_text(rows: list[list[str]], delimiter: str = ",", line_end: str = "\n") -> str:
    buffer = io.StringIO()
    writer = csv.writer(
        buffer, delimiter=delimiter, lineterminator=line_end, quoting=csv.QUOTE_MINIMAL
    )
    writer.writerows(rows)
    return buffer.getvalue()


def en_amount(value: Decimal, thousands: bool = True, places: int = 2) -> str:
    text = f"{value:,.{places}f}" if thousands else f"{value:.{places}f}"
    return text


def de_amount(value: Decimal, places: int = 2) -> str:
    text = f"{value:,.{places}f}"
    return text.replace(",", "\0").replace(".", ",").replace("\0", ".")


def names(rng: random.Random, accented: float) -> tuple[str, str]:
    if rng.random() < accented:
        return rng.choice(ACCENTED_FIRST), rng.choice(ACCENTED_LAST)
    return rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)


def cp1252_safe(text: str) -> bool:
    try:
        text.encode("cp1252")
    except UnicodeEncodeError:
        return False
    return True


def email_of(first: str, last: str, number: int) -> str:
    plain = (first + "." + last).lower()
    for src, dst in [
        ("ä", "ae"),
        ("ö", "oe"),
        ("ü", "ue"),
        ("ß", "ss"),
        ("é", "e"),
        ("è", "e"),
        ("ë", "e"),
        ("ç", "c"),
        ("ø", "o"),
        ("å", "a"),
        ("ñ", "n"),
        ("ó", "o"),
        ("ł", "l"),
        ("ğ", "g"),
        ("ř", "r"),
    ]:
        plain = plain.replace(src, dst)
    domain = ["example.com", "example.org", "example.net"][number % 3]
    return f"{plain}{number}@{domain}"


# --------------------------------------------------------------------------
# storefront_orders: a Shopify-like orders export
# --------------------------------------------------------------------------

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
# Columns Shopify repeats on every line item row; the rest only on the first.
SHOPIFY_LINE_COLUMNS = {
    "Name",
    "Email",
    "Created at",
    "Lineitem quantity",
    "Lineitem name",
    "Lineitem price",
    "Lineitem compare at price",
    "Lineitem sku",
    "Lineitem requires shipping",
    "Lineitem taxable",
    "Lineitem fulfillment status",
    "Vendor",
    "Lineitem discount",
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

    rows_out = [SHOPIFY_COLUMNS]
    truth: list[Row] = []
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
            values = dict.fromkeys(SHOPIFY_COLUMNS, "")
            values.update(
                {
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
            )
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
            rows_out.append([values[column] for column in SHOPIFY_COLUMNS])
            number = len(rows_out) - 1
            row = truth_row(file, number, order, line, Decimal(1), order.at.date())
            if customer is None:
                row.kind, row.detail = "missing_customer_id", ""
            truth.append(row)
    blob = csv_text(rows_out).encode("utf-8")
    twin_order = next(
        o for o in orders if len(o.lines) == 2 and o.lines[0] == o.lines[1]
    )
    return Case(
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
        files=[file],
        columns={
            "customer_id": "Email",
            "order_id": "Name",
            "ordered_at": "Created at",
            "product_id": "Lineitem sku",
            "quantity": "Lineitem quantity",
            "unit_price": "Lineitem price",
            "email": "Email",
        },
        reading={
            "format": "csv",
            "delimiter": ",",
            "quote": '"',
            "header": True,
            "encoding": "utf-8",
            "bom": False,
            "line_end": "\n",
            "decimal_separator": ".",
            "thousands": None,
            "timestamp_format": "%Y-%m-%d %H:%M:%S %z",
            "day_boundary": "UTC: the offset is applied, then the UTC date "
            "is the order date",
            "null_strings": [""],
            "customer_id": "Email as written (all lower case here)",
            "returns": {
                "rule": "none",
                "words": "No line is a return. Refunds exist only as "
                "order-level amounts (Refunded Amount) and are not "
                "subtracted: the expected figures count the line "
                "items sold.",
            },
            "currency": {
                "constant": "EUR",
                "column": None,
                "words": "One shop currency; the Currency column "
                "says EUR on each order's first row and is "
                "blank on the others, so it is not mapped.",
            },
            "line_key": "none: Shopify writes no line number, and the same "
            "SKU can appear twice in one order",
        },
        as_of=as_of,
        reporting_currency="EUR",
        rows=truth,
        blobs={file: blob},
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


# --------------------------------------------------------------------------
# payments: a Stripe-like payments export
# --------------------------------------------------------------------------

PAYMENT_COLUMNS = [
    "id",
    "Description",
    "Seller Message",
    "Created (UTC)",
    "Amount",
    "Amount Refunded",
    "Currency",
    "Converted Amount",
    "Converted Amount Refunded",
    "Fee",
    "Tax",
    "Converted Currency",
    "Mode",
    "Status",
    "Statement Descriptor",
    "Customer ID",
    "Customer Description",
    "Customer Email",
    "Captured",
    "Card ID",
    "Card Last4",
    "Card Brand",
    "Card Funding",
    "Card Exp Month",
    "Card Exp Year",
    "Card Issue Country",
    "Invoice ID",
    "Payment Source Type",
    "PaymentIntent ID",
]
PAYMENT_RATES = {
    "eur": Decimal("1"),
    "usd": Decimal("0.9"),
    "gbp": Decimal("1.2"),
    "jpy": Decimal("0.006"),
}
# Price grids that keep every converted amount in whole cents.
PAYMENT_GRIDS = {
    "eur": ("0.01", 8, 900),
    "usd": ("0.10", 9, 1400),
    "gbp": ("0.10", 6, 800),
    "jpy": ("10", 900, 160000),
}
ALNUM = string.ascii_letters + string.digits


def stripe_id(rng: random.Random, prefix: str, length: int = 24) -> str:
    return prefix + "".join(rng.choices(ALNUM, k=length))


def payments() -> Case:
    name = "payments"
    rng = make_rng(name)
    file = "unified_payments.csv"
    as_of = date(2024, 5, 1)
    customers = []
    for _number in range(150):
        first, last = names(rng, 0.15)
        currency = rng.choices(["eur", "usd", "gbp", "jpy"], weights=[5, 3, 2, 1])[0]
        key = stripe_id(rng, "cus_", 14)
        customers.append(
            Customer(
                key,
                f"{first} {last}",
                email_of(first, last, rng.randint(1, 999)),
                {"eur": "DE", "usd": "US", "gbp": "GB", "jpy": "JP"}[currency],
                currency,
            )
        )
    guests = []
    for _number in range(10):
        first, last = names(rng, 0.1)
        guests.append(
            Customer(
                "",
                f"{first} {last}",
                email_of(first, last, rng.randint(1, 999)),
                "DE",
                "eur",
            )
        )
    drafts = simulate(
        rng,
        customers + guests,
        date(2023, 5, 1),
        date(2024, 5, 16),
        [Line("", "", 1, ZERO)],
        next_order_id=counter_ids("Order {}", 4000),
        max_lines=1,
        max_quantity=1,
    )
    rows_out = [PAYMENT_COLUMNS]
    truth: list[Row] = []
    for order in sorted(drafts, key=lambda order: order.at, reverse=True):
        customer = order.customer
        currency = customer.currency
        step, low, high = PAYMENT_GRIDS[currency]
        amount = pick_price(rng, low, high, step)
        if rng.random() < 0.1:  # a large order
            amount = pick_price(rng, low * 20, high * 8, step)
        places = 0 if currency == "jpy" else 2
        # Failures only inside the window: a line has one reason to be out.
        failed = order.at.date() < as_of and rng.random() < 0.06
        status = "failed" if failed else "succeeded"
        refunded = ZERO
        if status == "succeeded" and rng.random() < 0.1:
            refunded = (
                amount
                if rng.random() < 0.5
                else (amount / 2 / Decimal(step)).to_integral_value() * Decimal(step)
            )
        rate = PAYMENT_RATES[currency]
        is_sepa = currency == "eur" and rng.random() < 0.3
        charge_id = stripe_id(rng, "py_3" if is_sepa else "ch_3")
        fee = money(amount * rate * Decimal("0.014") + Decimal("0.25"))
        at = order.at
        values = {
            "id": charge_id,
            "Description": order.order_id,
            "Seller Message": "Payment complete."
            if status == "succeeded"
            else "The bank did not return any further details with this decline.",
            "Created (UTC)": at.strftime("%Y-%m-%d %H:%M"),
            "Amount": en_amount(amount, places=places),
            "Amount Refunded": en_amount(refunded, places=places),
            "Currency": currency,
            "Converted Amount": en_amount(money(amount * rate)),
            "Converted Amount Refunded": en_amount(money(refunded * rate)),
            "Fee": en_amount(fee if status == "succeeded" else ZERO),
            "Tax": "0.00",
            "Converted Currency": "eur",
            "Mode": "Live",
            "Status": status,
            "Statement Descriptor": "NORDFADEN",
            "Customer ID": customer.key,
            "Customer Description": customer.name if customer.key else "",
            "Customer Email": customer.email,
            "Captured": "true" if status == "succeeded" else "false",
            "Card ID": "" if is_sepa else stripe_id(rng, "card_1"),
            "Card Last4": "" if is_sepa else f"{rng.randint(0, 9999):04d}",
            "Card Brand": ""
            if is_sepa
            else rng.choice(["Visa", "MasterCard", "American Express"]),
            "Card Funding": "" if is_sepa else "credit",
            "Card Exp Month": "" if is_sepa else str(rng.randint(1, 12)),
            "Card Exp Year": "" if is_sepa else str(rng.randint(2025, 2029)),
            "Card Issue Country": customer.country,
            "Invoice ID": "",
            "Payment Source Type": "sepa_debit" if is_sepa else "card",
            "PaymentIntent ID": stripe_id(rng, "pi_3"),
        }
        rows_out.append([values[column] for column in PAYMENT_COLUMNS])
        number = len(rows_out) - 1
        net = (amount - refunded) * rate
        row = Row(
            file,
            number,
            None,
            "",
            customer.key or None,
            charge_id,
            at.date(),
            False,
            net,
        )
        if net != net.quantize(CENT):
            raise ValueError(f"payments:{number}: {net} is not whole cents")
        if not customer.key:
            row.kind = "missing_customer_id"
        elif status == "failed":
            row.kind, row.detail = "failed_payment", "failed"
        truth.append(row)
    blob = csv_text(rows_out).encode("utf-8")
    return Case(
        name=name,
        description=(
            "A Stripe-style payments export (Payments > Export, "
            "unified_payments.csv): comma-separated UTF-8, LF line ends, "
            "newest first, one row per payment. Card payments have ch_ ids, "
            "SEPA debits py_ ids; customers are cus_ ids and guest payments "
            "have none. Amounts are in major units with a comma for "
            'thousands ("1,234.50", quoted), in four currencies written in '
            "lower case (eur, usd, gbp, jpy); jpy is zero-decimal, so "
            '"12,340" is twelve thousand three hundred forty yen. '
            "Converted Amount is the same money in the account currency "
            "(eur). Created (UTC) is UTC to the minute. Status is succeeded "
            "or failed: a failed payment took no money. Amount Refunded, on "
            "the payment's own row, is money given back (all of it or "
            "part): it is subtracted from that payment, which still counts "
            "as a purchase."
        ),
        files=[file],
        columns={
            "customer_id": "Customer ID",
            "order_id": "id",
            "ordered_at": "Created (UTC)",
            "quantity": None,
            "line_amount": "Amount",
            "currency": "Currency",
            "email": "Customer Email",
            "country": "Card Issue Country",
        },
        reading={
            "format": "csv",
            "delimiter": ",",
            "quote": '"',
            "header": True,
            "encoding": "utf-8",
            "bom": False,
            "line_end": "\n",
            "decimal_separator": ".",
            "thousands": ",",
            "timestamp_format": "%Y-%m-%d %H:%M",
            "day_boundary": "UTC (the column is UTC)",
            "null_strings": [""],
            "customer_id": "cus_ id as written",
            "quantity": "no column: each payment is one line of quantity 1 "
            "and amount Amount",
            "include": {
                "column": "Status",
                "values": ["succeeded"],
                "words": "Only succeeded payments are sales; failed "
                "ones are listed in bad_lines.csv as "
                "failed_payment.",
            },
            "returns": {
                "rule": "refund_column",
                "column": "Amount Refunded",
                "words": "A payment's net amount is Amount minus Amount "
                "Refunded (same row, same currency). No row is a "
                "return on its own, so every succeeded payment is "
                "a purchase order, fully refunded ones included.",
            },
            "currency": {
                "column": "Currency",
                "case": "lower",
                "reporting": "EUR",
                "rates": "rates.csv",
                "words": "1 unit of the currency = rate EUR, one rate for "
                "the whole period. Converted Amount (eur) holds the "
                "same figures already converted.",
            },
        },
        as_of=as_of,
        reporting_currency="EUR",
        rows=truth,
        blobs={file: blob},
        rates={code.upper(): rate for code, rate in PAYMENT_RATES.items()},
    )


# --------------------------------------------------------------------------
# pos_parquet: a point-of-sale Parquet dump, two stores, two writers
# --------------------------------------------------------------------------

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


# --------------------------------------------------------------------------
# european_spreadsheet: a German shop system's Excel CSV export
# --------------------------------------------------------------------------

EURO_ITEMS = [
    'Kaffeebecher "Guten Morgen"',
    "Geschenkset; 3-teilig",
    "Gutschein 25 Euro",
    "Teekanne Glas 1,2 l",
    "Schürze Leinen",
    "Brotkorb Weide",
    "Espressokocher",
    "Küchenwaage",
    "Öko-Spülbürste",
    "Käsehobel",
    "Tischläufer Grün",
    "Müslischale",
    "Messerblock Eiche",
]
EURO_RATES = {"EUR": Decimal("1"), "CHF": Decimal("1.05")}


def european_spreadsheet() -> Case:
    name = "european_spreadsheet"
    rng = make_rng(name)
    file = "Umsatzliste_2023-2024.csv"
    as_of = date(2024, 4, 1)
    customers = []
    for number in rng.sample(range(10_000, 39_999), 150):
        first, last = names(rng, 0.6)
        while not cp1252_safe(first + last):
            first, last = names(rng, 0.6)
        country = rng.choices(["DE", "AT", "CH"], weights=[6, 2, 2])[0]
        customers.append(
            Customer(
                str(number),
                f"{last}, {first}",
                email_of(first, last, number % 97),
                country,
                "CHF" if country == "CH" else "EUR",
            )
        )
    items = catalogue(rng, "A", EURO_ITEMS, 26, 3, 160, "0.20")
    items += [
        Line("A-9001", "Kaffeevollautomat Barista", 1, Decimal("1299.00")),
        Line("A-9002", "Backofen Einbau", 1, Decimal("1849.80")),
    ]
    guests: list[Customer | None] = [None] * 8
    orders = simulate(
        rng,
        customers + guests,
        date(2023, 1, 2),
        date(2024, 4, 21),
        items,
        next_order_id=counter_ids("RE-{:05d}", 20_001),
        return_rate=0.09,
        next_return_id=counter_ids("GS-{:04d}", 1),
        night_share=0.0,
    )
    # A business customer's bulk order: quantity 1.200 in the German format.
    bulk = customers[0]
    orders.append(
        Order(
            "RE-29999",
            bulk,
            datetime(2023, 11, 7, 10, 15),
            bulk.currency,
            [Line("A-1004", "Teelichter 100er", 1200, Decimal("0.40"))],
        )
    )
    orders.sort(key=lambda order: (order.at, order.order_id))
    invoices, credits = counter_ids("RE-{:05d}", 20_001), counter_ids("GS-{:04d}", 1)
    for order in orders:
        order.order_id = credits() if order.is_return else invoices()
    broken_price = set(
        rng.sample(
            [
                o.order_id
                for o in orders
                if o.customer and not o.is_return and o.at.date() < as_of
            ],
            3,
        )
    )

    header = [
        "Belegnummer",
        "Belegdatum",
        "Kundennummer",
        "Kunde",
        "E-Mail",
        "Land",
        "Artikelnummer",
        "Artikelbezeichnung",
        "Menge",
        "Einzelpreis",
        "Gesamtbetrag",
        "Währung",
    ]
    rows_out = [header]
    truth: list[Row] = []
    for order in orders:
        customer = order.customer
        currency = customer.currency if customer else "EUR"
        for index, line in enumerate(order.lines):
            quantity = -line.quantity if order.is_return else line.quantity
            price = de_amount(line.unit_price)
            total = de_amount(line.unit_price * quantity)
            kind, detail = None, ""
            if order.order_id in broken_price and index == 0:
                price, total = "#NV", "#NV"
                kind, detail = "unparseable_amount", "#NV"
            rows_out.append(
                [
                    order.order_id,
                    order.at.strftime("%d.%m.%Y %H:%M"),
                    customer.key if customer else "",
                    customer.name if customer else "Barverkauf",
                    customer.email if customer else "",
                    customer.country if customer else "DE",
                    line.sku,
                    line.name,
                    de_amount(Decimal(quantity), places=0),
                    price,
                    total,
                    currency,
                ]
            )
            row = truth_row(
                file,
                len(rows_out) - 1,
                order,
                line,
                EURO_RATES[currency],
                order.at.date(),
            )
            if customer is None:
                row.kind = "missing_customer_id"
            elif kind:
                row.kind, row.detail = kind, detail
            truth.append(row)
    blob = csv_text(rows_out, delimiter=";", line_end="\r\n").encode("cp1252")
    if any(0x80 <= byte <= 0x9F for byte in blob):
        raise ValueError(f"{file}: a byte where cp1252 and latin-1 differ")
    return Case(
        name=name,
        description=(
            "A German shop system's sales list saved by Excel as \"CSV "
            '(Trennzeichen-getrennt)": Windows-1252 without a BOM, '
            "semicolon-delimited, CRLF line ends, German headers (Währung in "
            'Windows-1252 too), accented customer names ("Müller, Jürgen"), '
            "article names with a semicolon or double quotes (quoted the "
            "CSV way). No byte falls in 0x80-0x9F, where Windows-1252 and "
            "Latin-1 differ (the cp1252_euro_sign case has those). "
            "Numbers are German: decimal comma "
            'and a dot for thousands ("1.299,00"), also in quantities: a '
            "bulk order of 1.200 tea lights at 0,40. Belegdatum is "
            "dd.mm.yyyy HH:MM. Invoices are RE-nnnnn; credit notes "
            "(returns) are GS-nnnn with a negative Menge. Swiss customers "
            "pay in CHF. Excel's German error value #NV stands in three "
            "prices; cash sales have no customer number."
        ),
        files=[file],
        columns={
            "customer_id": "Kundennummer",
            "order_id": "Belegnummer",
            "ordered_at": "Belegdatum",
            "product_id": "Artikelnummer",
            "quantity": "Menge",
            "unit_price": "Einzelpreis",
            "country": "Land",
            "currency": "Währung",
            "email": "E-Mail",
        },
        reading={
            "format": "csv",
            "delimiter": ";",
            "quote": '"',
            "header": True,
            "encoding": "windows-1252",
            "encoding_note": "no byte in 0x80-0x9F: latin-1 reads this file "
            "exactly as windows-1252 does",
            "bom": False,
            "line_end": "\r\n",
            "decimal_separator": ",",
            "thousands": ".",
            "timestamp_format": "%d.%m.%Y %H:%M",
            "day_boundary": "as written (local time, no zone)",
            "null_strings": ["", "#NV"],
            "customer_id": "customer number as written",
            "returns": {
                "rule": "negative_quantity",
                "words": "A line with a negative Menge is a return (credit "
                "notes GS-...); its amount is subtracted.",
            },
            "currency": {
                "column": "Währung",
                "reporting": "EUR",
                "rates": "rates.csv",
                "words": "1 CHF = 1.05 EUR for the whole period.",
            },
        },
        as_of=as_of,
        reporting_currency="EUR",
        rows=truth,
        blobs={file: blob},
        rates=EURO_RATES,
    )


# --------------------------------------------------------------------------
# spreadsheet_mangled: a CSV that went through Excel and back
# --------------------------------------------------------------------------

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
    rows_out = [
        [
            "Order Number",
            "Customer Number",
            "Order Date",
            "Quantity",
            "Unit Price",
            "Country",
        ]
    ]
    truth: list[Row] = []
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
            rows_out.append(
                [
                    order.order_id,
                    cell,
                    order.at.strftime("%d/%m/%Y %H:%M"),
                    str(quantity),
                    price,
                    "United Kingdom",
                ]
            )
            row = truth_row(
                file,
                len(rows_out) - 1,
                order,
                line,
                Decimal(1),
                order.at.date(),
                customer_id=key,
            )
            row.kind, row.detail = kind, detail
            truth.append(row)
    # Excel keeps formatted but empty rows as rows of separators.
    for _ in range(3):
        rows_out.append(["", "", "", "", "", ""])
        truth.append(Row(file, len(rows_out) - 1, "empty_row", ""))
    text = csv_text(rows_out, line_end="\r\n")
    blob = "\ufeff".encode() + text.encode("utf-8")
    broken = sum(row.kind == "unparseable_amount" for row in truth)
    return Case(
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
        files=[file],
        columns={
            "customer_id": "Customer Number",
            "order_id": "Order Number",
            "ordered_at": "Order Date",
            "quantity": "Quantity",
            "unit_price": "Unit Price",
            "country": "Country",
        },
        reading={
            "format": "csv",
            "delimiter": ",",
            "quote": '"',
            "header": True,
            "encoding": "utf-8",
            "bom": True,
            "line_end": "\r\n",
            "decimal_separator": ".",
            "thousands": ",",
            "timestamp_format": "%d/%m/%Y %H:%M",
            "timestamp_trap": "%m/%d/%Y %H:%M reads the rows whose day is 12 "
            "or lower, wrongly, and fails on the others",
            "day_boundary": "as written (no zone)",
            "null_strings": ["", *PLACEHOLDERS],
            "customer_id": "trim every Unicode space and zero-width "
            "character; strip leading zeros (00123 = 123); "
            "an exponent form is not an id",
            "leading_zeros": "strip",
            "returns": {
                "rule": "negative_quantity",
                "words": "A line with a negative Quantity is a return; its "
                "amount is subtracted. It shares the order number "
                "of the purchase it gives back from.",
            },
            "line_key": "none: no product or line-number column",
            "currency": {"constant": "GBP", "column": None},
        },
        as_of=as_of,
        reporting_currency="GBP",
        rows=truth,
        blobs={file: blob},
    )


# --------------------------------------------------------------------------
# monthly_drop: one CSV per month, written by a nightly job
# --------------------------------------------------------------------------


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
        rows_out = [layout]
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
                rows_out.append([values[column] for column in layout])
                number = len(rows_out) - 1
                if is_copy:
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
                    truth.append(
                        truth_row(
                            file, number, order, line, Decimal(1), order.at.date()
                        )
                    )
        blobs[file] = csv_text(rows_out).encode("utf-8")
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
        reading={
            "format": "csv",
            "delimiter": ",",
            "quote": '"',
            "header": True,
            "encoding": "utf-8",
            "bom": False,
            "line_end": "\n",
            "decimal_separator": ".",
            "thousands": None,
            "timestamp_format": "%Y-%m-%d %H:%M:%S",
            "day_boundary": "as written (no zone)",
            "null_strings": [""],
            "union_by_name": True,
            "empty_files": "orders_2024-01.csv has a header and no line; "
            "orders_2024-05.csv is 0 bytes: both hold no "
            "order line",
            "customer_id": "as written",
            "returns": {
                "rule": "prefix",
                "pattern": "RMA-",
                "words": "A line whose order id starts with RMA- is a "
                "return; its quantity is written positive and its "
                "amount is subtracted.",
            },
            "line_key": "order_id + sku (an order never lists a SKU twice)",
            "currency": {"constant": "EUR", "column": None},
        },
        as_of=as_of,
        reporting_currency="EUR",
        rows=truth,
        blobs=blobs,
    )


# --------------------------------------------------------------------------
# spreadsheet_utf16: Excel's "Unicode Text" export, US settings
# --------------------------------------------------------------------------

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
    rows_out = [
        [
            "Order ID",
            "Customer ID",
            "Customer Name",
            "Order Date",
            "Product",
            "Quantity",
            "Unit Price",
            "State",
        ]
    ]
    truth: list[Row] = []
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
            rows_out.append(
                [
                    order.order_id,
                    customer.key,
                    customer.name,
                    text_date,
                    line.name,
                    str(quantity),
                    price,
                    customer.extra["state"],
                ]
            )
            truth.append(
                truth_row(
                    file, len(rows_out) - 1, order, line, Decimal(1), order.at.date()
                )
            )
    text = csv_text(rows_out, delimiter="\t", line_end="\r\n")
    blob = "\ufeff".encode("utf-16-le") + text.encode("utf-16-le")
    return Case(
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
        files=[file],
        columns={
            "customer_id": "Customer ID",
            "order_id": "Order ID",
            "ordered_at": "Order Date",
            "quantity": "Quantity",
            "unit_price": "Unit Price",
            "country": None,
        },
        reading={
            "format": "csv",
            "delimiter": "\t",
            "quote": '"',
            "header": True,
            "encoding": "utf-16",
            "bom": True,
            "line_end": "\r\n",
            "decimal_separator": ".",
            "thousands": None,
            "timestamp_format": "%m/%d/%Y %H:%M",
            "timestamp_trap": "%d/%m/%Y %H:%M reads the rows whose day is 12 "
            "or lower, wrongly, and fails on the others",
            "day_boundary": "as written (no zone)",
            "null_strings": [""],
            "customer_id": "as written",
            "returns": {
                "rule": "negative_quantity",
                "words": "A line with a negative Quantity is a return (order "
                "ids R...); its amount is subtracted.",
            },
            "line_key": "none: no product code (Product is a display name)",
            "currency": {"constant": "USD", "column": None},
        },
        as_of=as_of,
        reporting_currency="USD",
        rows=truth,
        blobs={file: blob},
    )


# --------------------------------------------------------------------------
# cp1252_euro_sign: a till's export with the bytes where cp1252 and latin-1
# part ways
# --------------------------------------------------------------------------

TILL_ITEMS = [
    "Gutschein 10 €",
    "Gutschein 25 €",
    "Kaffee „Hausmischung“ 500 g",
    "Teller – Steingut",
    "Brötchen…Tüte",
    "Geschenkpapier ‚Sterne‘",
    "Kerze • Bienenwachs",
    "Servietten ™-Muster",
    "Pfeffermühle",
]


def cp1252_euro_sign() -> Case:
    name = "cp1252_euro_sign"
    rng = make_rng(name)
    file = "Kassenjournal_2024.csv"
    as_of = date(2024, 7, 1)
    customers = []
    for number in rng.sample(range(1, 4_000), 60):
        first, last = names(rng, 0.7)
        while not cp1252_safe(first + last):
            first, last = names(rng, 0.7)
        customers.append(
            Customer(f"KD{number:04d}", f"{first} {last}", "", "DE", "EUR")
        )
    items = catalogue(rng, "K", TILL_ITEMS, 18, 2, 60, "0.10")
    orders = simulate(
        rng,
        customers,
        date(2024, 1, 2),
        date(2024, 7, 1),
        items,
        next_order_id=counter_ids("B{:06d}", 40_001),
        return_rate=0.05,
        next_return_id=counter_ids("S{:06d}", 1),
        night_share=0.0,
    )
    header = [
        "Bon-Nr.",
        "Datum",
        "Kunde",
        "Name",
        "Artikel",
        "Menge",
        "Einzelpreis €",
        "Summe €",
    ]
    rows_out = [header]
    truth: list[Row] = []
    for order in orders:
        customer = order.customer
        for line in order.lines:
            quantity = -line.quantity if order.is_return else line.quantity
            rows_out.append(
                [
                    order.order_id,
                    order.at.strftime("%d.%m.%Y %H:%M"),
                    customer.key,
                    customer.name,
                    line.name,
                    str(quantity),
                    de_amount(line.unit_price),
                    de_amount(line.unit_price * quantity),
                ]
            )
            truth.append(
                truth_row(
                    file, len(rows_out) - 1, order, line, Decimal(1), order.at.date()
                )
            )
    blob = csv_text(rows_out, delimiter=";", line_end="\r\n").encode("cp1252")
    if not any(0x80 <= byte <= 0x9F for byte in blob):
        raise ValueError(f"{file}: no byte where cp1252 and latin-1 differ")
    return Case(
        name=name,
        description=(
            "A shop till's journal saved by Excel as \"CSV (Trennzeichen-"
            'getrennt)": Windows-1252, semicolon, CRLF, decimal comma. The '
            'price headers end in the euro sign ("Einzelpreis €") and '
            "article names use the euro sign, German quotes „ “ ‚ ‘, dashes, "
            "an ellipsis, a bullet and ™: bytes 0x80-0x9F, which Latin-1 "
            "maps to invisible control characters and which DuckDB's "
            'latin-1 reader rejects ("File is not latin-1 encoded"). Read '
            "as Windows-1252 (or transcoded to UTF-8 first) the file is "
            "plain. Returns are S-numbered slips with a negative Menge."
        ),
        files=[file],
        columns={
            "customer_id": "Kunde",
            "order_id": "Bon-Nr.",
            "ordered_at": "Datum",
            "quantity": "Menge",
            "unit_price": "Einzelpreis €",
        },
        reading={
            "format": "csv",
            "delimiter": ";",
            "quote": '"',
            "header": True,
            "encoding": "windows-1252",
            "encoding_note": "not latin-1: the euro sign is byte 0x80, in the "
            "header too",
            "bom": False,
            "line_end": "\r\n",
            "decimal_separator": ",",
            "thousands": ".",
            "timestamp_format": "%d.%m.%Y %H:%M",
            "day_boundary": "as written (no zone)",
            "null_strings": [""],
            "customer_id": "as written",
            "returns": {
                "rule": "negative_quantity",
                "words": "A line with a negative Menge is a return; its "
                "amount is subtracted.",
            },
            "line_key": "none: no article number",
            "currency": {"constant": "EUR", "column": None},
        },
        as_of=as_of,
        reporting_currency="EUR",
        rows=truth,
        blobs={file: blob},
    )


# --------------------------------------------------------------------------
# marketplace_report: a marketplace seller's tab-separated order report
# --------------------------------------------------------------------------

MARKETPLACE_COLUMNS = [
    "amazon-order-id",
    "merchant-order-id",
    "purchase-date",
    "last-updated-date",
    "order-status",
    "fulfillment-channel",
    "sales-channel",
    "order-channel",
    "ship-service-level",
    "product-name",
    "sku",
    "asin",
    "item-status",
    "quantity",
    "currency",
    "item-price",
    "item-tax",
    "shipping-price",
    "shipping-tax",
    "gift-wrap-price",
    "gift-wrap-tax",
    "item-promotion-discount",
    "ship-promotion-discount",
    "ship-city",
    "ship-state",
    "ship-postal-code",
    "ship-country",
    "promotion-ids",
    "is-business-order",
    "purchase-order-number",
    "price-designation",
    "buyer-email",
]
MARKETPLACES = {
    "EUR": ["Amazon.de", "Amazon.fr", "Amazon.it"],
    "GBP": ["Amazon.co.uk"],
}
MARKETPLACE_RATES = {"EUR": Decimal("1"), "GBP": Decimal("1.2")}


def marketplace_report() -> Case:
    name = "marketplace_report"
    rng = make_rng(name)
    file = "All Orders Report 2024.txt"
    as_of = date(2024, 6, 1)
    customers = []
    for _number in range(130):
        currency = rng.choices(["EUR", "GBP"], weights=[3, 1])[0]
        alias = "".join(rng.choices(string.ascii_lowercase + string.digits, k=14))
        country = "GB" if currency == "GBP" else rng.choice(["DE", "FR", "IT"])
        customers.append(
            Customer(f"{alias}@relay.marketplace.example", "", "", country, currency)
        )
    items = catalogue(
        rng,
        "NF",
        [
            "Leinenschürze",
            "Brotkorb",
            "Teekanne",
            "Kaffeemühle",
            "Tischläufer",
            "Käsehobel",
        ],
        20,
        6,
        140,
        "0.10",
    )
    orders = simulate(
        rng,
        customers,
        date(2024, 1, 1),
        date(2024, 6, 11),
        items,
        next_order_id=lambda _at: "",
        night_share=0.05,
    )
    for order in orders:
        order.at = order.at.replace(tzinfo=UTC)
        order.order_id = (
            f"{rng.randint(302, 306)}-"
            f"{rng.randint(10**6, 10**7 - 1)}-"
            f"{rng.randint(10**6, 10**7 - 1)}"
        )
    early = [o for o in orders if o.at.date() < as_of]
    cancelled = {id(o) for o in rng.sample(early, 6)}
    pending = {
        id(o) for o in rng.sample([o for o in early if id(o) not in cancelled], 3)
    }
    rows_out = [MARKETPLACE_COLUMNS]
    truth: list[Row] = []
    for order in sorted(orders, key=lambda order: order.at):
        customer = order.customer
        channel = rng.choice(MARKETPLACES[customer.currency])
        status = (
            "Cancelled"
            if id(order) in cancelled
            else "Pending"
            if id(order) in pending
            else "Shipped"
        )
        stamp = order.at.strftime("%Y-%m-%dT%H:%M:%S+00:00")
        city = {"GB": "Leeds", "DE": "Berlin", "FR": "Lyon", "IT": "Milano"}[
            customer.country
        ]
        postal_code = str(rng.randint(10000, 99999))
        updated = (order.at + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M:%S+00:00")
        for line in order.lines:
            amount = line.unit_price * line.quantity
            quantity, price = str(line.quantity), f"{amount:.2f}"
            kind, detail = None, ""
            if status == "Cancelled":
                quantity, price = "0", ""
                kind, detail = "zero_quantity", "0 (Cancelled)"
            elif status == "Pending":
                price = ""
                kind, detail = "unparseable_amount", "blank (Pending)"
            tax_rate = (
                Decimal("0.20") if customer.currency == "GBP" else Decimal("0.19")
            )
            values = dict.fromkeys(MARKETPLACE_COLUMNS, "")
            values.update(
                {
                    "amazon-order-id": order.order_id,
                    "purchase-date": stamp,
                    "last-updated-date": updated,
                    "order-status": status,
                    "fulfillment-channel": "Merchant",
                    "sales-channel": channel,
                    "ship-service-level": "Standard",
                    "product-name": line.name,
                    "sku": line.sku,
                    "asin": "B0"
                    + "".join(rng.choices(string.ascii_uppercase + string.digits, k=8)),
                    "item-status": "Unshipped" if status == "Pending" else status,
                    "quantity": quantity,
                    "currency": customer.currency,
                    "item-price": price,
                    "item-tax": ""
                    if not price
                    else f"{money(amount * tax_rate / (1 + tax_rate)):.2f}",
                    "shipping-price": "" if not price else "0.00",
                    "ship-city": city,
                    "ship-postal-code": postal_code,
                    "ship-country": customer.country,
                    "is-business-order": "false",
                    "buyer-email": customer.key,
                }
            )
            rows_out.append([values[column] for column in MARKETPLACE_COLUMNS])
            row = truth_row(
                file,
                len(rows_out) - 1,
                order,
                line,
                MARKETPLACE_RATES[customer.currency],
                order.at.date(),
            )
            row.kind, row.detail = kind, detail
            truth.append(row)
    blob = csv_text(rows_out, delimiter="\t").encode("utf-8")
    return Case(
        name=name,
        description=(
            'A marketplace seller\'s "All Orders" flat-file report: '
            "tab-separated UTF-8 text (.txt), LF line ends, one row per "
            "order item, oldest first. Order ids look like "
            "302-1234567-1234567. purchase-date is ISO 8601 in UTC with an "
            "explicit +00:00 (2024-03-05T14:02:11+00:00). item-price is the "
            "line's total (quantity x unit price, tax included), not a unit "
            "price. The seller sells on several marketplaces: EUR on "
            ".de/.fr/.it and GBP on .co.uk, stated per row in currency. "
            "Buyers are known only by an anonymised relay e-mail. Cancelled "
            "orders stay in the report with quantity 0 and no item-price; "
            "pending orders have their quantity but no item-price yet. The "
            "report has no returns."
        ),
        files=[file],
        columns={
            "customer_id": "buyer-email",
            "order_id": "amazon-order-id",
            "ordered_at": "purchase-date",
            "product_id": "sku",
            "quantity": "quantity",
            "line_amount": "item-price",
            "currency": "currency",
            "country": "ship-country",
            "email": "buyer-email",
        },
        reading={
            "format": "csv",
            "delimiter": "\t",
            "quote": '"',
            "header": True,
            "encoding": "utf-8",
            "bom": False,
            "line_end": "\n",
            "decimal_separator": ".",
            "thousands": None,
            "timestamp_format": "%Y-%m-%dT%H:%M:%S%z",
            "day_boundary": "UTC (every value is +00:00)",
            "null_strings": [""],
            "customer_id": "relay e-mail as written",
            "amount": "item-price is the line amount: quantity x unit price",
            "returns": {"rule": "none", "words": "The report has no returns."},
            "currency": {
                "column": "currency",
                "reporting": "EUR",
                "rates": "rates.csv",
                "words": "1 GBP = 1.2 EUR for the whole period.",
            },
            "line_key": "amazon-order-id + sku",
        },
        as_of=as_of,
        reporting_currency="EUR",
        rows=truth,
        blobs={file: blob},
        rates=MARKETPLACE_RATES,
    )


# --------------------------------------------------------------------------
# Expected results and files
# --------------------------------------------------------------------------


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
