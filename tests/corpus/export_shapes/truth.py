"""The made-up orders every case starts from, and helpers to write them."""

from __future__ import annotations

import csv
import io
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

SEED = "rfm-corpus-2024"
CENT = Decimal("0.01")
ZERO = Decimal(0)


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
