"""One row per scored customer: P(alive), expected purchases over the
horizon, expected value per order and predicted CLV, from the parameters of
int_clv_parameters."""

from segmentation.clv.settings import clv_settings
from segmentation.clv.warehouse import HISTORY_COLUMNS, predict_current


def model(dbt, session):
    dbt.config(materialized="table")
    # A statement of its own: dbt finds config.get calls by reading the code.
    clv = dbt.config.get("clv")
    settings = clv_settings(clv)
    histories = dbt.ref("int_customers_purchases_summarised")
    columns = ", ".join(["customer_id", *HISTORY_COLUMNS])
    current = histories.filter("sample_name = 'current'").project(columns).df()
    parameters = dbt.ref("int_clv_parameters").df()
    return predict_current(current, parameters, settings)
