"""european_spreadsheet: a German shop system's Excel CSV export."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from export_shapes.truth import (
    Case,
    Customer,
    Line,
    Order,
    catalogue,
    counter_ids,
    cp1252_safe,
    de_amount,
    email_of,
    make_rng,
    names,
    simulate,
)
from export_shapes.writer import CsvExport

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

    export = CsvExport(
        file,
        [
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
        ],
        delimiter=";",
        line_end="\r\n",
    )
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
            row = export.write_line(
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
                ],
                order,
                line,
                EURO_RATES[currency],
            )
            if customer is None:
                row.kind = "missing_customer_id"
            elif kind:
                row.kind, row.detail = kind, detail
    blob = export.text().encode("cp1252")
    if any(0x80 <= byte <= 0x9F for byte in blob):
        raise ValueError(f"{file}: a byte where cp1252 and latin-1 differ")
    return export.case(
        blob,
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
        reading=export.reading(
            encoding="windows-1252",
            encoding_note="no byte in 0x80-0x9F: latin-1 reads this file "
            "exactly as windows-1252 does",
            decimal_separator=",",
            thousands=".",
            timestamp_format="%d.%m.%Y %H:%M",
            day_boundary="as written (local time, no zone)",
            null_strings=("", "#NV"),
            customer_id="customer number as written",
            returns={
                "rule": "negative_quantity",
                "words": "A line with a negative Menge is a return (credit "
                "notes GS-...); its amount is subtracted.",
            },
            currency={
                "column": "Währung",
                "reporting": "EUR",
                "rates": "rates.csv",
                "words": "1 CHF = 1.05 EUR for the whole period.",
            },
        ),
        as_of=as_of,
        reporting_currency="EUR",
        rates=EURO_RATES,
    )
