"""cp1252_euro_sign: a till's export with bytes where cp1252 and latin-1 differ."""

from __future__ import annotations

from datetime import date

from export_shapes.truth import (
    Case,
    Customer,
    catalogue,
    counter_ids,
    cp1252_safe,
    de_amount,
    make_rng,
    names,
    simulate,
)
from export_shapes.writer import CsvExport

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
    export = CsvExport(
        file,
        [
            "Bon-Nr.",
            "Datum",
            "Kunde",
            "Name",
            "Artikel",
            "Menge",
            "Einzelpreis €",
            "Summe €",
        ],
        delimiter=";",
        line_end="\r\n",
    )
    for order in orders:
        customer = order.customer
        for line in order.lines:
            quantity = -line.quantity if order.is_return else line.quantity
            export.write_line(
                [
                    order.order_id,
                    order.at.strftime("%d.%m.%Y %H:%M"),
                    customer.key,
                    customer.name,
                    line.name,
                    str(quantity),
                    de_amount(line.unit_price),
                    de_amount(line.unit_price * quantity),
                ],
                order,
                line,
            )
    blob = export.text().encode("cp1252")
    if not any(0x80 <= byte <= 0x9F for byte in blob):
        raise ValueError(f"{file}: no byte where cp1252 and latin-1 differ")
    return export.case(
        blob,
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
        columns={
            "customer_id": "Kunde",
            "order_id": "Bon-Nr.",
            "ordered_at": "Datum",
            "quantity": "Menge",
            "unit_price": "Einzelpreis €",
        },
        reading=export.reading(
            encoding="windows-1252",
            encoding_note="not latin-1: the euro sign is byte 0x80, in the header too",
            decimal_separator=",",
            thousands=".",
            timestamp_format="%d.%m.%Y %H:%M",
            day_boundary="as written (no zone)",
            customer_id="as written",
            returns={
                "rule": "negative_quantity",
                "words": "A line with a negative Menge is a return; its "
                "amount is subtracted.",
            },
            line_key="none: no article number",
            currency={"constant": "EUR", "column": None},
        ),
        as_of=as_of,
        reporting_currency="EUR",
    )
