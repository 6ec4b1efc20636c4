"""The value model's published tables (customer lifetime value, the
probability of being alive, the holdout check), when the build has them."""

from __future__ import annotations

import math
from dataclasses import dataclass

import duckdb
import pandas as pd

VALUE_TABLES = (
    "customer_value_predictions",
    "clv_model_parameters",
    "segment_value_forecast",
    "clv_holdout_validation",
)
# The per-customer columns the customer lists carry.
PREDICTION_COLUMNS = ("p_alive", "expected_purchases", "predicted_clv", "value_decile")


@dataclass
class ValueData:
    """The value tables: per-customer predictions (the columns the lists
    carry), the model's parameters, the forecast per segment and per
    cluster, and the holdout check per frequency bucket."""

    predictions: pd.DataFrame
    parameters: pd.DataFrame
    forecast: pd.DataFrame
    holdout: pd.DataFrame

    def parameter(self, model: str, name: str) -> float | None:
        rows = self.parameters[
            (self.parameters["model"] == model) & (self.parameters["parameter"] == name)
        ]
        if rows.empty:
            return None
        value = float(rows["value"].iloc[0])
        return None if math.isnan(value) else value

    @property
    def horizon_days(self) -> int | None:
        value = self.parameter("clv", "horizon_days")
        return None if value is None else int(round(value))

    @property
    def threshold(self) -> float | None:
        column = "likely_lost_p_alive_threshold"
        if column not in self.forecast or self.forecast[column].isna().all():
            return None
        return float(self.forecast[column].dropna().iloc[0])

    def forecast_of(self, segment_type: str) -> pd.DataFrame:
        rows = self.forecast[self.forecast["segment_type"] == segment_type]
        return rows.sort_values(["segment_rank", "segment_name"])

    def join_predictions(self, rows: pd.DataFrame) -> pd.DataFrame:
        """`rows` (one per customer) with their predictions, in its order."""
        if "customer_id" not in rows:
            return rows
        keep = [
            "customer_id",
            *(c for c in PREDICTION_COLUMNS if c in self.predictions),
        ]
        predictions = self.predictions[keep].copy()
        predictions["customer_id"] = predictions["customer_id"].astype(str)
        key = rows["customer_id"].astype(str)
        joined = rows.assign(_key=key).merge(
            predictions.rename(columns={"customer_id": "_key"}), on="_key", how="left"
        )
        return joined.drop(columns="_key")


def load_value_data(
    con: duckdb.DuckDBPyConnection, tables: set[str]
) -> ValueData | None:
    """None unless every value table is published."""
    if not all(name in tables for name in VALUE_TABLES):
        return None
    present = {
        c
        for (c,) in con.execute(
            "select column_name from duckdb_columns() "
            "where table_name = 'customer_value_predictions'"
        ).fetchall()
    }
    columns = ", ".join(c for c in ("customer_id", *PREDICTION_COLUMNS) if c in present)
    return ValueData(
        predictions=con.execute(
            f"select {columns} from customer_value_predictions"
        ).df(),
        parameters=con.execute("select * from clv_model_parameters").df(),
        forecast=con.execute("select * from segment_value_forecast").df(),
        holdout=con.execute(
            "select * from clv_holdout_validation order by bucket_order"
        ).df(),
    )
