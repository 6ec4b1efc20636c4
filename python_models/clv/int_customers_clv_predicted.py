"""One row per scored customer: P(alive), expected purchases over the
horizon, expected value per order and predicted CLV, from the parameters of
int_clv_parameters."""

from segmentation.clv.warehouse import predictions


def model(dbt, session):
    dbt.config(materialized="table")
    # A statement of its own: dbt finds config.get calls by reading the code.
    clv = dbt.config.get("clv")
    histories = dbt.ref("int_customers_purchases_summarised")
    return predictions("current", histories, dbt.ref("int_clv_parameters"), clv)
