"""The value model's published tables (customer lifetime value and the
probability of being alive), when the build has them."""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import pandas as pd

VALUE_TABLES = (
    "customer_value_predictions",
    "clv_model_parameters",
    "segment_value_forecast",
    "clv_holdout_validation",
)


@dataclass
class ValueData:
    """The value tables, read whole (they are per segment or small) except
    the per-customer predictions, kept to the columns the report uses."""

    predictions: pd.DataFrame
    parameters: pd.DataFrame
    forecast: pd.DataFrame
    holdout: pd.DataFrame


def load_value_data(
    con: duckdb.DuckDBPyConnection, tables: set[str]
) -> ValueData | None:
    """None unless every value table is published."""
    if not all(name in tables for name in VALUE_TABLES):
        return None
    return ValueData(
        predictions=con.execute("select * from customer_value_predictions").df(),
        parameters=con.execute("select * from clv_model_parameters").df(),
        forecast=con.execute("select * from segment_value_forecast").df(),
        holdout=con.execute("select * from clv_holdout_validation").df(),
    )
