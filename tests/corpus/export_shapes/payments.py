"""payments: a Stripe-like payments export."""

from __future__ import annotations

import random
import string
from datetime import date
from decimal import Decimal

from export_shapes.truth import (
    CENT,
    ZERO,
    Case,
    Customer,
    Line,
    Row,
    counter_ids,
    email_of,
    en_amount,
    make_rng,
    money,
    names,
    pick_price,
    simulate,
)
from export_shapes.writer import CsvExport

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
    export = CsvExport(file, PAYMENT_COLUMNS)
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
        number = export.write(values)
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
        export.truth.append(row)
    blob = export.text().encode("utf-8")
    return export.case(
        blob,
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
        reading=export.reading(
            encoding="utf-8",
            decimal_separator=".",
            thousands=",",
            timestamp_format="%Y-%m-%d %H:%M",
            day_boundary="UTC (the column is UTC)",
            customer_id="cus_ id as written",
            quantity="no column: each payment is one line of quantity 1 "
            "and amount Amount",
            include={
                "column": "Status",
                "values": ["succeeded"],
                "words": "Only succeeded payments are sales; failed "
                "ones are listed in bad_lines.csv as "
                "failed_payment.",
            },
            returns={
                "rule": "refund_column",
                "column": "Amount Refunded",
                "words": "A payment's net amount is Amount minus Amount "
                "Refunded (same row, same currency). No row is a "
                "return on its own, so every succeeded payment is "
                "a purchase order, fully refunded ones included.",
            },
            currency={
                "column": "Currency",
                "case": "lower",
                "reporting": "EUR",
                "rates": "rates.csv",
                "words": "1 unit of the currency = rate EUR, one rate for "
                "the whole period. Converted Amount (eur) holds the "
                "same figures already converted.",
            },
        ),
        as_of=as_of,
        reporting_currency="EUR",
        rates={code.upper(): rate for code, rate in PAYMENT_RATES.items()},
    )
