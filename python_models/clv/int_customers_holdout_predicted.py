"""One row per customer of the calibration sample: the purchases the
calibration fit expects in the holdout days."""

from segmentation.clv.settings import clv_settings
from segmentation.clv.warehouse import HISTORY_COLUMNS, predict_holdout


def model(dbt, session):
    dbt.config(materialized="table")
    # A statement of its own: dbt finds config.get calls by reading the code.
    clv = dbt.config.get("clv")
    settings = clv_settings(clv)
    histories = dbt.ref("int_customers_purchases_summarised")
    columns = ", ".join(["customer_id", *HISTORY_COLUMNS])
    calibration = histories.filter("sample_name = 'calibration'").project(columns).df()
    parameters = dbt.ref("int_clv_parameters").df()
    return predict_holdout(calibration, parameters, settings)
