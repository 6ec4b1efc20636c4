"""One row per customer of the calibration sample: the purchases the
calibration fit expects in the holdout days."""

from segmentation.clv.warehouse import predictions


def model(dbt, session):
    dbt.config(materialized="table")
    # A statement of its own: dbt finds config.get calls by reading the code.
    clv = dbt.config.get("clv")
    histories = dbt.ref("int_customers_purchases_summarised")
    return predictions("calibration", histories, dbt.ref("int_clv_parameters"), clv)
