"""marketplace_report: a marketplace seller's tab-separated order report."""

from __future__ import annotations

import string
from datetime import UTC, date, timedelta
from decimal import Decimal

from export_shapes.truth import (
    Case,
    Customer,
    catalogue,
    make_rng,
    money,
    simulate,
)
from export_shapes.writer import CsvExport

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
    export = CsvExport(file, MARKETPLACE_COLUMNS, delimiter="\t")
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
            row = export.write_line(
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
                },
                order,
                line,
                MARKETPLACE_RATES[customer.currency],
            )
            row.kind, row.detail = kind, detail
    blob = export.text().encode("utf-8")
    return export.case(
        blob,
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
        reading=export.reading(
            encoding="utf-8",
            decimal_separator=".",
            thousands=None,
            timestamp_format="%Y-%m-%dT%H:%M:%S%z",
            day_boundary="UTC (every value is +00:00)",
            customer_id="relay e-mail as written",
            amount="item-price is the line amount: quantity x unit price",
            returns={"rule": "none", "words": "The report has no returns."},
            currency={
                "column": "currency",
                "reporting": "EUR",
                "rates": "rates.csv",
                "words": "1 GBP = 1.2 EUR for the whole period.",
            },
            line_key="amazon-order-id + sku",
        ),
        as_of=as_of,
        reporting_currency="EUR",
        rates=MARKETPLACE_RATES,
    )
