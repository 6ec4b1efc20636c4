"""CDNOW, a real order history the project was not tuned on, as the
lifetimes package ships it (requirements.lock): CDNOW_master.txt holds every
purchase of the 23,570 customers who first bought from the online CD shop in
the first quarter of 1997, up to June 1998, one line per purchase
(customer id, date YYYYMMDD, CDs bought, dollar value). Public data of
Fader and Hardie's customer-base analysis papers."""

from __future__ import annotations

import csv
import importlib.util
from pathlib import Path

import pandas as pd


def cdnow_master() -> Path:
    """The file, located without importing lifetimes (only its data is used)."""
    spec = importlib.util.find_spec("lifetimes")
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError("package lifetimes (requirements.lock) is missing")
    return Path(spec.submodule_search_locations[0]) / "datasets" / "CDNOW_master.txt"


def cdnow_lines() -> pd.DataFrame:
    """The purchase lines: customer_id (text, leading zeros kept),
    ordered_on (date), cds, amount (dollars), in file order."""
    lines = pd.read_csv(
        cdnow_master(),
        sep=r"\s+",
        skiprows=1,
        names=["customer_id", "ordered_on", "cds", "amount"],
        dtype={"customer_id": str, "ordered_on": str},
    )
    lines["ordered_on"] = pd.to_datetime(lines["ordered_on"], format="%Y%m%d")
    return lines


def cdnow_rfm() -> pd.DataFrame:
    """One row per customer with the demo's RFM features (every purchase line
    an order), as of the day after the last purchase."""
    lines = cdnow_lines()
    as_of = lines["ordered_on"].max() + pd.Timedelta(days=1)
    per = lines.groupby("customer_id").agg(
        first=("ordered_on", "min"),
        last=("ordered_on", "max"),
        frequency=("amount", "size"),
        monetary=("amount", "sum"),
    )
    return pd.DataFrame(
        {
            "customer_id": per.index,
            "recency_days": (as_of - per["last"]).dt.days.to_numpy(),
            "frequency": per["frequency"].to_numpy(),
            "monetary": per["monetary"].to_numpy(),
            "average_order_value": (per["monetary"] / per["frequency"]).to_numpy(),
            "tenure_days": (as_of - per["first"]).dt.days.to_numpy(),
        }
    )


def write_cdnow_orders_csv(path: Path) -> int:
    """The lines as a shop's order export: one order per line, its id the
    customer, the date and the line's number in the file. Returns the lines."""
    lines = cdnow_lines()
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            ["customer_id", "order_id", "ordered_at", "quantity", "line_amount"]
        )
        for number, row in enumerate(lines.itertuples(index=False), start=1):
            day = row.ordered_on.strftime("%Y-%m-%d")
            writer.writerow(
                [
                    row.customer_id,
                    f"{row.customer_id}-{day}-{number}",
                    day,
                    row.cds,
                    f"{row.amount:.2f}",
                ]
            )
    return len(lines)
