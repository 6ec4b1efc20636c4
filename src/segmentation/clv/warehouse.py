"""What the dbt Python models of the CLV call: frames in, frames out, and
every error of the numerics worded in terms of the vars that change it.

The input frame has one row per customer of a sample (the current as-of
date, or the calibration date of the holdout validation) with the columns
of int_customers_purchases_summarised: customer_id, repeat_purchases (x),
first_to_last_days (t_x), customer_age_days (T) and repeat_order_value_mean
(the mean value of the repeat orders; null without one)."""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd

from segmentation.clv import bgnbd, gamma_gamma, lifetime_value
from segmentation.clv.errors import (
    ClvError,
    FitNotConvergedError,
    InvalidHistoryError,
    NonFinitePredictionError,
    TooFewCustomersError,
)
from segmentation.clv.histories import PurchaseHistories, purchase_histories
from segmentation.clv.optimise import RIDGE_LOG_LIKELIHOOD, UPPER_BOUND
from segmentation.clv.settings import ClvSettings, clv_settings
from segmentation.dbt_glue.build_output import print_to_build_output

PARAMETER_COLUMNS = ["model", "parameter", "value", "source"]
# The columns of a sample the fits and predictions read (with customer_id
# for the predictions).
HISTORY_COLUMNS = [
    "repeat_purchases",
    "first_to_last_days",
    "customer_age_days",
    "repeat_order_value_mean",
]
FITTED = "fitted"
STORED = "var clv_parameters"
WARNINGS = logging.getLogger("segmentation.clv")
# A mean chance of dropping out after a purchase at most this (a at its
# lower bound, 1e-6, over b of 1, the search's start) is worded as nobody
# dropping out, wherever along the flat likelihood the search stopped.
NO_DROPOUT_MEAN = 1e-6
# Histories reaching back this far already span the seasons and the gaps
# between a customer's orders that a longer one would add: the warning on
# the as-of date's fit then does not suggest waiting for more history.
LONG_HISTORY_DAYS = 730


def probability_text(value: float) -> str:
    """A probability to 4 significant digits, but never rounded to 0 or 1
    when it is not: 0.9999996 reads "1 - 4e-07", not "1"."""
    if 0.0 < value < 1.0 and f"{value:.4g}" == "1":
        return f"1 - {1.0 - value:.2g}"
    return f"{value:.4g}"


def sample_rows(histories, sample_name: str, *, with_ids: bool) -> pd.DataFrame:
    """The rows of one sample ('current' or 'calibration') of
    int_customers_purchases_summarised, given as the DuckDB relation of
    dbt.ref, with HISTORY_COLUMNS: what the fits read, and with customer_id
    first what the predictions read."""
    columns = ["customer_id", *HISTORY_COLUMNS] if with_ids else HISTORY_COLUMNS
    selected = histories.filter(f"sample_name = '{sample_name}'")
    return selected.project(", ".join(columns)).df()


class ClvBuildError(RuntimeError):
    """The CLV models cannot be built; the message says which var to change."""


def _advice(err: ClvError, settings: ClvSettings, calibration: bool) -> str:
    skip = "or set var clv_enabled: false to build without CLV"
    if calibration:
        return (
            "This is the fit on the calibration data of the holdout validation "
            f"(the as-of date moved back var clv_holdout_days = "
            f"{settings.holdout_days} days): a shorter var clv_holdout_days "
            "leaves this fit more history; set it to null to skip the "
            f"validation, {skip}."
        )
    if isinstance(err, InvalidHistoryError):
        return f"Check the order lines (var order_inputs, as_of_date), {skip}."
    if isinstance(err, TooFewCustomersError):
        return (
            f"var clv_min_repeat_customers is {settings.min_repeat_customers}: "
            "lower it to fit on fewer (the parameters then mean little), "
            f"{skip}."
        )
    if isinstance(err, FitNotConvergedError) and err.limit_reached:
        return (
            f"Raise var clv_max_iterations (now {settings.max_iterations}), set "
            "var clv_parameters to the parameters of an earlier build "
            f"(clv_model_parameters) to predict with those, {skip}."
        )
    if isinstance(err, FitNotConvergedError):
        return (
            "More iterations would not help. Set var clv_parameters to the "
            "parameters of an earlier build (clv_model_parameters) to predict "
            f"with those, {skip}."
        )
    if isinstance(err, NonFinitePredictionError):
        return (
            "Set var clv_parameters to the parameters of an earlier build "
            f"(clv_model_parameters), change var clv_horizon_days, {skip}."
        )
    return (
        "Set var clv_parameters to the parameters of an earlier build "
        f"(clv_model_parameters) to predict with those, {skip}."
    )


def build_error(
    err: ClvError, settings: ClvSettings, calibration: bool = False
) -> ClvBuildError:
    """The error the build stops with: the numerics' own words, then the
    vars that change the outcome."""
    return ClvBuildError(
        f"Customer lifetime value: {err}. {_advice(err, settings, calibration)}"
    )


def show_warnings() -> None:
    """Print the CLV models' warnings with the build's output."""
    print_to_build_output(WARNINGS)


def _ridge_warning(model: str, fit: bgnbd.BgNbdFit, histories, fix: str) -> None:
    """Warns when the fit took the end of a ridge (bgnbd.RIDGES) or cannot
    tell how much customers differ in their chance of dropping out
    (bgnbd.dropout_spread_support)."""
    p = fit.parameters
    if "one_rate" in fit.ended:
        WARNINGS.warning(
            "Customer lifetime value, warning: the histories of %s show every "
            "customer buying at about one rate (BG/NBD r = %.4g, alpha = %.4g: "
            "%s held at the end of its search, %s fitted; %.4g purchases a "
            "day), as in a subscription "
            "shop. A customer's own silence then does not lower their "
            "predicted purchases, and BG/NBD cannot tell that a one-time buyer "
            "left: one who cancelled after a first order is predicted like a "
            "subscriber (the holdout validation's bucket 0 shows by how much).",
            model,
            p.r,
            p.alpha,
            *(("r", "alpha") if p.r >= UPPER_BOUND else ("alpha", "r")),
            p.r / p.alpha,
        )
    dropout = p.a / (p.a + p.b)
    if "no_dropout" in fit.ended or dropout <= NO_DROPOUT_MEAN:
        WARNINGS.warning(
            "Customer lifetime value, warning: the histories of %s show no "
            "customer dropping out (BG/NBD a = %.4g, b = %.4g: a chance of "
            "%.2g of dropping out after a purchase), as in a young shop whose "
            "customers have not had time to leave. The predictions then assume "
            "each customer keeps buying at their rate for the whole horizon "
            "unless their silence is far beyond their own pace, which "
            "overstates those who have in fact left. %s",
            model,
            p.a,
            p.b,
            dropout,
            fix,
        )
        return
    support = bgnbd.dropout_spread_support(p, histories)
    if support >= RIDGE_LOG_LIKELIHOOD:
        return
    WARNINGS.warning(
        "Customer lifetime value, warning: the histories of %s do not tell how "
        "much customers differ in their chance of dropping out (a = %.4g, b = "
        "%.4g; a and b divided by 10 fit almost as well, log-likelihood lower "
        "by %.3g, under %.2f). The predictions rest on the mean chance of "
        "dropping out after a purchase, a / (a + b) = %s. %s",
        model,
        p.a,
        p.b,
        support,
        RIDGE_LOG_LIKELIHOOD,
        probability_text(dropout),
        fix,
    )


def _as_of_date_fix(histories: PurchaseHistories) -> str:
    """What a user can do about a warning on the as-of date's fit."""
    stored = (
        "Var clv_parameters can hold the parameters of an earlier build "
        "(clv_model_parameters)."
    )
    reach = int(np.max(histories.T))
    if reach >= LONG_HISTORY_DAYS:
        return stored
    return (
        f"The histories reach back {reach} days at most: longer ones may tell "
        f"more. {stored}"
    )


def _order_value_ridge_warning(
    fit: gamma_gamma.GammaGammaFit, n: np.ndarray, m: np.ndarray
) -> None:
    """Warns when the fit cannot tell how much customers differ in what they
    spend per order (gamma_gamma.mean_spread_support), or when their means
    do not show orders varying within a customer (p at the ridge's end)."""
    p = fit.parameters
    if "one_value" in fit.ended:
        WARNINGS.warning(
            "Customer lifetime value, warning: the customers' mean order "
            "values do not show their orders varying within a customer "
            "(Gamma-Gamma p = %.4g, v = %.4g: %s held at the end of its "
            "search, %s fitted): as in "
            "a shop of fixed-price plans, or where a customer's mean does not "
            "settle as their orders add up. A customer's expected order value "
            "is then their own mean order value; one without a repeat order "
            "gets the mean of all, p v / (q - 1) = %.4g%s.",
            p.p,
            p.v,
            *(("p", "v") if p.p >= UPPER_BOUND else ("v", "p")),
            p.population_mean,
            (
                " (q is at the end of its search too: the customers' own means "
                "barely differ either)"
                if "spend_alike" in fit.ended
                else ""
            ),
        )
    support = gamma_gamma.mean_spread_support(p, n, m)
    if support >= RIDGE_LOG_LIKELIHOOD:
        return
    WARNINGS.warning(
        "Customer lifetime value, warning: the repeat order values do not tell "
        "how much customers differ in what they spend per order (Gamma-Gamma "
        "q = %.4g, v = %.4g; q - 1 and v divided by 10 fit almost as well, "
        "log-likelihood lower by %.3g, under %.2f). Every customer's expected "
        "order value is then close to the mean of all, p v / (q - 1) = %.4g, "
        "whatever their own orders were. Var clv_parameters can hold the "
        "parameters of an earlier build (clv_model_parameters).",
        p.q,
        p.v,
        support,
        RIDGE_LOG_LIKELIHOOD,
        p.population_mean,
    )


def _short_calibration_warning(
    current: PurchaseHistories, calibration: PurchaseHistories, holdout_days: int
) -> None:
    """Warns when the validation predicts further ahead than the calibration
    histories reach back."""
    reach = int(np.max(calibration.T))
    if reach >= holdout_days:
        return
    WARNINGS.warning(
        "Customer lifetime value, warning: the calibration histories of the "
        "holdout validation reach back at most %d days before the calibration "
        "date, fewer than the %d days they predict (var clv_holdout_days = %d): "
        "the validation checks predictions further ahead than the fit has "
        "seen. With these orders, var clv_holdout_days of at most %d (half the "
        "history) checks more fairly.",
        reach,
        holdout_days,
        holdout_days,
        int(np.max(current.T)) // 2,
    )


def _histories(frame: pd.DataFrame) -> PurchaseHistories:
    return purchase_histories(
        frame["repeat_purchases"].to_numpy(np.float64),
        frame["first_to_last_days"].to_numpy(np.float64),
        frame["customer_age_days"].to_numpy(np.float64),
    )


def _order_values(frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Gamma-Gamma's n and m: the repeat orders and their mean value."""
    n = frame["repeat_purchases"].to_numpy(np.float64)
    m = pd.to_numeric(frame["repeat_order_value_mean"]).to_numpy(
        np.float64, na_value=np.nan
    )
    return n, m


def _rows(model: str, values: dict[str, float], source: str) -> list[dict]:
    return [
        {"model": model, "parameter": name, "value": float(value), "source": source}
        for name, value in values.items()
    ]


def _purchase_rows(model, fit: bgnbd.BgNbdFit, source: str) -> list[dict]:
    p = fit.parameters
    return _rows(
        model,
        {
            "r": p.r,
            "alpha": p.alpha,
            "a": p.a,
            "b": p.b,
            "log_likelihood": fit.log_likelihood,
            "customers": fit.customers,
            "repeat_customers": fit.repeat_customers,
            "iterations": fit.iterations,
        },
        source,
    )


def fit_parameters(
    current: pd.DataFrame, calibration: pd.DataFrame | None, settings: ClvSettings
) -> pd.DataFrame:
    """The long table of parameters (model, parameter, value, source):
    bg_nbd and gamma_gamma fitted on the current sample (or taken from var
    clv_parameters), the clv settings, and bg_nbd_calibration fitted on the
    calibration sample when there is one."""
    rows: list[dict] = []
    try:
        histories = _histories(current)
        n, m = _order_values(current)
        usable = gamma_gamma.eligible(n, m)
        stored = settings.stored_parameters
        if stored is None:
            purchases = bgnbd.fit(
                histories, settings.max_iterations, settings.min_repeat_customers
            )
            values = gamma_gamma.fit(
                n[usable],
                m[usable],
                settings.max_iterations,
                settings.min_repeat_customers,
            )
            source = FITTED
            _order_value_ridge_warning(values, n[usable], m[usable])
            _ridge_warning(
                "the as-of date",
                purchases,
                histories,
                _as_of_date_fix(histories),
            )
        else:
            purchases = bgnbd.BgNbdFit(
                stored.purchases,
                bgnbd.log_likelihood(stored.purchases, histories),
                len(histories),
                int(np.count_nonzero(histories.x > 0)),
                0,
            )
            values = gamma_gamma.GammaGammaFit(
                stored.order_values,
                gamma_gamma.log_likelihood(stored.order_values, n[usable], m[usable])
                if usable.any()
                else 0.0,
                int(usable.sum()),
                0,
            )
            source = STORED
    except ClvError as err:
        raise build_error(err, settings) from None
    rows += _purchase_rows("bg_nbd", purchases, source)
    g = values.parameters
    rows += _rows(
        "gamma_gamma",
        {
            "p": g.p,
            "q": g.q,
            "v": g.v,
            "log_likelihood": values.log_likelihood,
            "customers": values.customers,
            "iterations": values.iterations,
        },
        source,
    )
    rows += _rows(
        "clv",
        {
            "horizon_days": settings.horizon_days,
            "annual_discount_rate": settings.annual_discount_rate,
        },
        "var",
    )
    if calibration is not None:
        try:
            calibration_histories = _histories(calibration)
            calibrated = bgnbd.fit(
                calibration_histories,
                settings.max_iterations,
                settings.min_repeat_customers,
            )
        except ClvError as err:
            raise build_error(err, settings, calibration=True) from None
        _short_calibration_warning(
            histories, calibration_histories, settings.holdout_days
        )
        _ridge_warning(
            "the calibration date (bg_nbd_calibration)",
            calibrated,
            calibration_histories,
            "This fit serves only the holdout validation; a shorter var "
            "clv_holdout_days gives it longer histories.",
        )
        rows += _purchase_rows("bg_nbd_calibration", calibrated, FITTED)
        rows += _rows(
            "bg_nbd_calibration", {"holdout_days": settings.holdout_days}, "var"
        )
    frame = pd.DataFrame(rows, columns=PARAMETER_COLUMNS)
    if not np.isfinite(frame["value"]).all():
        bad = frame.loc[~np.isfinite(frame["value"])].iloc[0]
        raise ClvBuildError(
            f"Customer lifetime value: {bad['model']} {bad['parameter']} is not a "
            f"finite number ({bad['value']}). {_advice(ClvError(), settings, False)}"
        )
    return frame


def _parameter_values(parameters: pd.DataFrame, model: str) -> dict[str, float]:
    rows = parameters.loc[parameters["model"] == model]
    return dict(zip(rows["parameter"], rows["value"].astype(float), strict=True))


def _bgnbd(parameters: pd.DataFrame, model: str) -> bgnbd.BgNbdParameters:
    v = _parameter_values(parameters, model)
    return bgnbd.BgNbdParameters(v["r"], v["alpha"], v["a"], v["b"])


def predict_current(
    current: pd.DataFrame, parameters: pd.DataFrame, settings: ClvSettings
) -> pd.DataFrame:
    """One row per customer: p_alive, expected_purchases (over var
    clv_horizon_days), expected_order_value, predicted_clv (discounted at
    var clv_annual_discount_rate)."""
    g = _parameter_values(parameters, "gamma_gamma")
    try:
        n, m = _order_values(current)
        values = lifetime_value.customer_values(
            _bgnbd(parameters, "bg_nbd"),
            gamma_gamma.GammaGammaParameters(g["p"], g["q"], g["v"]),
            _histories(current),
            n,
            m,
            horizon=float(settings.horizon_days),
            annual_discount_rate=settings.annual_discount_rate,
        )
    except ClvError as err:
        raise build_error(err, settings) from None
    return pd.DataFrame(
        {
            "customer_id": current["customer_id"].to_numpy(),
            "p_alive": values.p_alive,
            "expected_purchases": values.expected_purchases,
            "expected_order_value": values.expected_order_value,
            "predicted_clv": values.predicted_clv,
        }
    )


def predict_holdout(
    calibration: pd.DataFrame, parameters: pd.DataFrame, settings: ClvSettings
) -> pd.DataFrame:
    """One row per customer of the calibration sample: the purchases the
    calibration fit expects in the var clv_holdout_days days after the
    calibration date. No rows without a holdout (var clv_holdout_days
    null), when there is no calibration sample either."""
    if settings.holdout_days is None:
        return pd.DataFrame(
            {
                "customer_id": pd.Series([], dtype="object"),
                "predicted_holdout_purchases": pd.Series([], dtype="float64"),
            }
        )
    try:
        histories = _histories(calibration)
        expected = lifetime_value.check_finite(
            "expected holdout purchases",
            bgnbd.expected_purchases(
                _bgnbd(parameters, "bg_nbd_calibration"),
                float(settings.holdout_days),
                histories.x,
                histories.t_x,
                histories.T,
            ),
        )
    except ClvError as err:
        raise build_error(err, settings, calibration=True) from None
    return pd.DataFrame(
        {
            "customer_id": calibration["customer_id"].to_numpy(),
            "predicted_holdout_purchases": expected,
        }
    )


def predictions(sample_name: str, histories, parameters, clv) -> pd.DataFrame:
    """What a prediction model returns: predict_current on the 'current'
    sample, or predict_holdout on the 'calibration' sample, given the
    relations of dbt.ref (int_customers_purchases_summarised,
    int_clv_parameters) and the model's config `clv`."""
    predict = {"current": predict_current, "calibration": predict_holdout}
    return predict[sample_name](
        sample_rows(histories, sample_name, with_ids=True),
        parameters.df(),
        clv_settings(clv),
    )
