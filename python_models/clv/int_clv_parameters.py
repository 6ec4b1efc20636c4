"""The fitted BG/NBD and Gamma-Gamma parameters, long form: one fit on the
current sample (or var clv_parameters) and, for the holdout validation, a
BG/NBD fit on the calibration sample."""

from segmentation.clv.settings import clv_settings
from segmentation.clv.warehouse import fit_parameters, sample_rows, show_warnings


def model(dbt, session):
    dbt.config(materialized="table")
    # A statement of its own: dbt finds config.get calls by reading the code.
    clv = dbt.config.get("clv")
    settings = clv_settings(clv)
    show_warnings()
    # The fits do not depend on the order of the rows: no sort needed.
    histories = dbt.ref("int_customers_purchases_summarised")
    current = sample_rows(histories, "current", with_ids=False)
    calibration = None
    if settings.holdout_days is not None:
        calibration = sample_rows(histories, "calibration", with_ids=False)
    return fit_parameters(current, calibration, settings)
