"""How the CLV numerics behave beyond one data set: they recover the
parameters that generated the data, give the same fit whatever the order of
the customers, refuse fits that cannot be trusted with a typed error that
states the figure, and never return a NaN."""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd
import pytest
from clv_simulation import histories_at, regular_purchase_days, simulate_bgnbd

from segmentation.clv import bgnbd, gamma_gamma, lifetime_value
from segmentation.clv.errors import (
    FitNotConvergedError,
    ImplausibleParametersError,
    InvalidHistoryError,
    ParameterAtBoundError,
    TooFewCustomersError,
)
from segmentation.clv.histories import purchase_histories
from segmentation.clv.optimise import (
    RIDGE_LOG_LIKELIHOOD,
    Ridge,
    maximise_to_ridge_end,
)
from segmentation.clv.settings import clv_settings
from segmentation.clv.warehouse import (
    HISTORY_COLUMNS,
    build_error,
    fit_parameters,
    predict_holdout,
    probability_text,
    sample_rows,
)

# Days, the shape of an online shop: a purchase every few months while
# alive, a dropout after about a fifth of the purchases.
TRUE = bgnbd.BgNbdParameters(r=0.6, alpha=60.0, a=0.9, b=3.5)


@pytest.fixture(scope="module")
def simulated():
    x, t_x, age, _ = simulate_bgnbd(
        40_000, TRUE.r, TRUE.alpha, TRUE.a, TRUE.b, 730, seed=3
    )
    return purchase_histories(x, t_x, age)


@pytest.fixture(scope="module")
def simulated_fit(simulated):
    return bgnbd.fit(simulated)


def test_the_fit_recovers_the_parameters_that_made_the_data(simulated_fit):
    fitted = simulated_fit.parameters
    # 40,000 customers: sampling error of a few percent.
    assert fitted.r == pytest.approx(TRUE.r, rel=0.08)
    assert fitted.alpha == pytest.approx(TRUE.alpha, rel=0.10)
    assert fitted.a == pytest.approx(TRUE.a, rel=0.15)
    assert fitted.b == pytest.approx(TRUE.b, rel=0.20)
    # The mean dropout probability a / (a + b) is identified better.
    assert fitted.a / (fitted.a + fitted.b) == pytest.approx(
        TRUE.a / (TRUE.a + TRUE.b), rel=0.06
    )


def test_the_fit_is_the_maximum_of_the_likelihood(simulated, simulated_fit):
    best = simulated_fit.log_likelihood
    p = simulated_fit.parameters
    assert best == pytest.approx(bgnbd.log_likelihood(p, simulated), rel=1e-12)
    for name in ("r", "alpha", "a", "b"):
        for factor in (0.98, 1.02):
            moved = bgnbd.BgNbdParameters(
                **{**p.__dict__, name: getattr(p, name) * factor}
            )
            assert bgnbd.log_likelihood(moved, simulated) < best, (name, factor)


def test_the_same_customers_in_another_order_give_the_same_fit(
    simulated, simulated_fit
):
    order = np.random.default_rng(0).permutation(len(simulated))
    shuffled = purchase_histories(
        simulated.x[order], simulated.t_x[order], simulated.T[order]
    )
    again = bgnbd.fit(shuffled)
    # Bit for bit: the likelihood is summed over sorted distinct histories.
    assert again.parameters == simulated_fit.parameters
    assert again.log_likelihood == simulated_fit.log_likelihood


def test_predicted_purchases_match_what_the_simulated_customers_do_next():
    # Fit on 40,000 customers observed for T days; follow them 180 days
    # more: the purchases expected must add up to those they make, in total
    # and for the customers with many and with no repeat purchases.
    horizon = 180.0
    x, t_x, age, later = simulate_bgnbd(
        40_000, TRUE.r, TRUE.alpha, TRUE.a, TRUE.b, 730, seed=5, extra_age=horizon
    )
    fitted = bgnbd.fit(purchase_histories(x, t_x, age)).parameters
    expected = bgnbd.expected_purchases(fitted, horizon, x, t_x, age)
    assert expected.sum() == pytest.approx(later.sum(), rel=0.05)
    for group in (x == 0, x >= 5):
        assert expected[group].sum() == pytest.approx(later[group].sum(), rel=0.10)
    assert np.corrcoef(expected, later)[0, 1] > 0.5


def test_customers_who_never_drop_out_give_the_end_where_nobody_does():
    # A young shop's histories can look like this: the likelihood rises as
    # the mean dropout probability falls to 0. The fit takes that end (a and
    # b at their bounds) and still measures the purchase rates.
    x, t_x, age, _ = simulate_bgnbd(
        20_000, 0.8, 40.0, 1.0, 1.0, 730, seed=2, dropout=False
    )
    fitted = bgnbd.fit(purchase_histories(x, t_x, age)).parameters
    assert (fitted.a, fitted.b) == (1e-6, 1e6)
    assert fitted.r == pytest.approx(0.8, rel=0.1)
    assert fitted.alpha == pytest.approx(40.0, rel=0.15)
    assert bgnbd.probability_alive(fitted, x, t_x, age).min() > 1 - 1e-6


def test_a_parameter_on_a_bound_no_ridge_leads_to_is_an_error():
    # The likelihood rises as t[1] falls, along no ridge the model declares.
    def falling(t: np.ndarray) -> tuple[float, np.ndarray]:
        return -((np.log(t[0]) - 1.0) ** 2) - t[1], np.array(
            [-2.0 * (np.log(t[0]) - 1.0) / t[0], -1.0]
        )

    with pytest.raises(ParameterAtBoundError) as caught:
        maximise_to_ridge_end(
            "test", ["s", "t"], falling, (1.0, 1.0), 1000, [Ridge("s", up=("s",))]
        )
    assert (caught.value.parameter, caught.value.upper) == ("t", False)


def test_too_few_repeat_customers_is_refused_with_the_count():
    x = np.array([0, 0, 1, 2, 0])
    t_x = np.array([0, 0, 10, 30, 0])
    age = np.array([50, 60, 70, 80, 90])
    with pytest.raises(TooFewCustomersError) as caught:
        bgnbd.fit(purchase_histories(x, t_x, age), min_repeat_customers=30)
    assert (caught.value.found, caught.value.needed) == (2, 30)
    assert "2 customers with a repeat purchase" in str(caught.value)


def test_an_optimiser_stopped_early_is_an_error_not_a_result(simulated):
    with pytest.raises(FitNotConvergedError) as caught:
        bgnbd.fit(simulated, max_iterations=3)
    assert caught.value.iterations == 3
    assert "iteration limit 3" in str(caught.value)


@pytest.mark.parametrize(
    ("x", "t_x", "age", "problem"),
    [
        ([1, 2], [5, 50], [40, 40], "t_x outside 0 .. T"),
        ([1.5], [5], [40], "fractional repeat count"),
        ([0], [3], [40], "x = 0) but t_x > 0"),
        ([1], [0], [0], "T <= 0"),
        ([1], [np.nan], [4], "not finite"),
    ],
)
def test_impossible_histories_are_refused_naming_the_first(x, t_x, age, problem):
    with pytest.raises(InvalidHistoryError) as caught:
        purchase_histories(x, t_x, age)
    assert problem in str(caught.value)
    assert "row " in caught.value.example


def test_order_values_too_heavy_tailed_for_a_finite_mean_are_implausible():
    # Customers' mean values drawn with q = 0.7: the population mean
    # p v / (q - 1) would be infinite.
    rng = np.random.default_rng(4)
    n = rng.integers(1, 8, 20_000).astype(float)
    nu = rng.gamma(0.7, 1.0, 20_000) / 50.0  # rate of each customer's values
    m = rng.gamma(4.0 * n, 1.0 / (nu * n))
    with pytest.raises(ImplausibleParametersError) as caught:
        gamma_gamma.fit(n, m)
    assert caught.value.parameter == "q"
    assert caught.value.value <= 1


def test_gamma_gamma_refuses_values_outside_the_model():
    with pytest.raises(InvalidHistoryError):
        gamma_gamma.fit([1, 2, 3], [10.0, -5.0, 20.0])
    eligible = gamma_gamma.eligible([0, 1, 2, 3], [np.nan, 10.0, 0.0, 7.0])
    assert eligible.tolist() == [False, True, False, True]


def test_expected_order_value_shrinks_to_the_population_mean():
    params = gamma_gamma.GammaGammaParameters(p=6.25, q=3.74, v=15.44)
    population = 6.25 * 15.44 / 2.74
    values = gamma_gamma.expected_order_value(
        params, [0, 1, 10, 1000, 2], [np.nan, 100.0, 100.0, 100.0, -500.0]
    )
    assert values[0] == pytest.approx(population)
    # More orders, nearer the customer's own mean (100).
    assert population < values[1] < values[2] < values[3] < 100.0
    assert values[3] == pytest.approx(100.0, rel=0.01)
    # Returns worth more than the orders: floored at 0, never negative.
    assert values[4] == 0.0


def test_a_equal_to_one_is_a_removable_singularity():
    x = np.array([0.0, 1.0, 5.0, 40.0])
    t_x = np.array([0.0, 20.0, 300.0, 600.0])
    age = np.array([100.0, 400.0, 500.0, 700.0])
    near = [
        bgnbd.expected_purchases(
            bgnbd.BgNbdParameters(0.5, 50.0, a, 2.0), 365.0, x, t_x, age
        )
        for a in (1.0 - 1e-3, 1.0, 1.0 + 1e-3)
    ]
    assert np.all(np.isfinite(near[1]))
    np.testing.assert_allclose(near[1], (near[0] + near[2]) / 2, rtol=1e-5)


def test_extreme_histories_give_finite_predictions():
    # A customer with thousands of orders, one who stopped long ago, one
    # who just started; a long horizon.
    x = np.array([5000.0, 300.0, 0.0, 1.0])
    t_x = np.array([700.0, 10.0, 0.0, 0.0])
    age = np.array([701.0, 3000.0, 1.0, 1.0])
    values = lifetime_value.customer_values(
        bgnbd.BgNbdParameters(0.3, 20.0, 0.5, 1.5),
        gamma_gamma.GammaGammaParameters(6.0, 4.0, 15.0),
        purchase_histories(x, t_x, age),
        x,
        np.array([20.0, 15.0, np.nan, 30.0]),
        horizon=3650.0,
        annual_discount_rate=0.1,
    )
    for name in (
        "p_alive",
        "expected_purchases",
        "expected_order_value",
        "predicted_clv",
    ):
        assert np.all(np.isfinite(getattr(values, name))), name
    # The heavy buyer keeps buying; the one silent for 3,000 days does not.
    assert values.expected_purchases[0] > 1000
    assert values.p_alive[1] < 1e-6
    assert values.expected_purchases[1] < 1e-6


def test_discounting_lowers_the_value_and_zero_rate_does_not():
    histories = purchase_histories([3.0, 0.0], [200.0, 0.0], [365.0, 30.0])
    params = bgnbd.BgNbdParameters(0.6, 60.0, 0.9, 3.5)
    plain, discounted_zero = lifetime_value.discounted_purchases(
        params, histories, 365.0, 0.0
    )
    _, discounted = lifetime_value.discounted_purchases(params, histories, 365.0, 0.1)
    np.testing.assert_allclose(discounted_zero, plain, rtol=1e-12)
    assert np.all(discounted < plain)
    # Discounted at most by a year at 10%.
    assert np.all(discounted > plain / 1.1)


def test_step_ends_cover_the_horizon_once():
    assert lifetime_value.step_ends(365, 30).tolist() == [
        30,
        60,
        90,
        120,
        150,
        180,
        210,
        240,
        270,
        300,
        330,
        360,
        365,
    ]
    assert lifetime_value.step_ends(60, 30).tolist() == [30, 60]


def test_gamma_gamma_gives_the_same_fit_whatever_the_order():
    # Each customer's order values are gamma(p = 4, rate nu), nu is
    # gamma(q = 3, rate v = 60); m is the mean of n such values.
    rng = np.random.default_rng(6)
    n = rng.integers(1, 10, 5_000).astype(float)
    m = rng.gamma(4.0 * n, 1.0 / (rng.gamma(3.0, 1.0, 5_000) / 60.0 * n))
    first = gamma_gamma.fit(n, m)
    order = rng.permutation(len(n))
    again = gamma_gamma.fit(n[order], m[order])
    assert again.parameters == first.parameters
    assert again.log_likelihood == first.log_likelihood
    # Drawn with p = 4, q = 3, v = 60: the population mean order value is
    # p v / (q - 1) = 120.
    assert first.parameters.population_mean == pytest.approx(120, rel=0.1)


NO_HOLDOUT = {
    "clv_horizon_days": 365,
    "clv_annual_discount_rate": 0.1,
    "clv_holdout_days": None,
    "clv_min_repeat_customers": 30,
    "clv_max_iterations": 1000,
    "clv_parameters": None,
}


def test_without_a_holdout_the_holdout_predictions_are_empty_not_an_error():
    # var clv_holdout_days null: no calibration sample and no calibration
    # fit, so the model that predicts the holdout has no rows to give (and
    # clv_holdout_validation is not built).
    settings = clv_settings(NO_HOLDOUT)
    calibration = pd.DataFrame(columns=["customer_id", *HISTORY_COLUMNS])
    predicted = predict_holdout(calibration, pd.DataFrame(), settings)
    assert list(predicted.columns) == ["customer_id", "predicted_holdout_purchases"]
    assert predicted.empty


def test_a_sample_is_read_alone_with_the_columns_asked_for():
    con = duckdb.connect()
    histories = con.sql(
        "select * from (values"
        " ('current', 'a', 2, 30.0, 90.0, 12.5, 'other column'),"
        " ('calibration', 'a', 1, 10.0, 60.0, null, 'other column'),"
        " ('current', 'b', 0, 0.0, 45.0, null, 'other column'))"
        " as t(sample_name, customer_id, repeat_purchases, first_to_last_days,"
        " customer_age_days, repeat_order_value_mean, note)"
    )
    current = sample_rows(histories, "current", with_ids=True)
    assert list(current.columns) == ["customer_id", *HISTORY_COLUMNS]
    assert sorted(current["customer_id"]) == ["a", "b"]
    calibration = sample_rows(histories, "calibration", with_ids=False)
    assert list(calibration.columns) == HISTORY_COLUMNS
    assert calibration["repeat_purchases"].tolist() == [1]


def test_a_fit_that_identifies_the_dropout_spread_is_not_on_the_ridge(
    simulated, simulated_fit
):
    # Simulated with a = 0.9, b = 3.5: the spread is plain in 40,000
    # histories, so a tenth of a and b costs far more than the ridge limit.
    support = bgnbd.dropout_spread_support(simulated_fit.parameters, simulated)
    assert support > 100 * RIDGE_LOG_LIKELIHOOD


@pytest.mark.parametrize(
    ("simulated_with", "seed", "held"),
    [
        # Nearly the same dropout probability for everyone: a and b run up.
        (bgnbd.BgNbdParameters(0.8, 40.0, 300.0, 1_200.0), 3, "b"),
        # Everyone buys about every 30 days: r and alpha run up.
        (bgnbd.BgNbdParameters(1e5, 3e6, 0.9, 3.5), 1, "r"),
    ],
)
def test_a_fit_at_a_ridge_end_is_the_same_whatever_the_search_path(
    simulated_with, seed, held
):
    # The likelihood rises along the ridge to its end, so a search stops
    # wherever its path tires. The same histories in weeks instead of days
    # take another path; both must give one fit, at the ridge's end.
    true = simulated_with
    x, t_x, age, _ = simulate_bgnbd(
        5_000, true.r, true.alpha, true.a, true.b, 365, seed=seed
    )
    days = bgnbd.fit(purchase_histories(x, t_x, age)).parameters
    weeks = bgnbd.fit(purchase_histories(x, t_x / 7, age / 7)).parameters
    assert getattr(days, held) == getattr(weeks, held) == 1e6
    assert weeks.alpha * 7 == pytest.approx(days.alpha, rel=1e-4)
    for name in ("r", "a", "b"):
        assert getattr(weeks, name) == pytest.approx(getattr(days, name), rel=1e-4)
    # What the histories do tell: the mean rate and dropout probability.
    assert days.r / days.alpha == pytest.approx(true.r / true.alpha, rel=0.05)
    assert days.a / (days.a + days.b) == pytest.approx(
        true.a / (true.a + true.b), abs=0.03
    )


def order_values(q: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """n orders per customer and their mean value: each customer's values
    gamma(p = 4, rate nu), nu gamma(q, rate q / 60) across customers (a
    population mean of 4 * 60 / (q - 1) or so; the larger q, the less the
    customers' own means differ)."""
    rng = np.random.default_rng(seed)
    n = rng.integers(1, 10, 5_000).astype(float)
    nu = rng.gamma(q, 60.0 / q, 5_000) / 60.0
    return n, rng.gamma(4.0 * n, 1.0 / (nu * n))


def test_gamma_gamma_on_customers_who_spend_alike_ends_at_the_ridge_end():
    # Every customer's own mean is the same (q = 10^9): the fit takes the
    # end of the ridge instead of failing on the bound, and the same orders
    # in cents instead of euros give the same fit.
    n, m = order_values(1e9, seed=1)
    euros = gamma_gamma.fit(n, m).parameters
    cents = gamma_gamma.fit(n, m * 100).parameters
    assert euros.q == cents.q == 1e6
    assert cents.p == pytest.approx(euros.p, rel=1e-6)
    assert cents.v == pytest.approx(euros.v * 100, rel=1e-6)
    assert euros.population_mean == pytest.approx(4.0, rel=0.02)
    assert gamma_gamma.mean_spread_support(euros, n, m) < RIDGE_LOG_LIKELIHOOD


def test_gamma_gamma_on_customers_who_spend_differently_is_not_on_the_ridge():
    n, m = order_values(3.0, seed=2)
    fitted = gamma_gamma.fit(n, m).parameters
    assert fitted.q == pytest.approx(3.0, rel=0.15)
    assert gamma_gamma.mean_spread_support(fitted, n, m) > 100 * RIDGE_LOG_LIKELIHOOD


def fitted_and_warned(caplog, x, t_x, age, repeat_value) -> tuple[pd.DataFrame, str]:
    """The parameters fit_parameters gives these histories (each repeat
    customer's mean order value `repeat_value`) without a holdout, and the
    warnings it printed."""
    current = pd.DataFrame(
        {
            "repeat_purchases": x,
            "first_to_last_days": t_x,
            "customer_age_days": age,
            "repeat_order_value_mean": np.where(x > 0, repeat_value, np.nan),
        }
    )
    with caplog.at_level("WARNING", logger="segmentation.clv"):
        rows = fit_parameters(current, None, clv_settings(NO_HOLDOUT))
    return rows, " ".join(r.getMessage() for r in caplog.records)


def test_a_shop_whose_customers_spend_alike_builds_and_is_warned(caplog):
    # The repeat customers' order values all drawn around one mean: the
    # build goes on, and says that the expected order values are the mean.
    x, t_x, age, _ = simulate_bgnbd(
        5_000, TRUE.r, TRUE.alpha, TRUE.a, TRUE.b, 730, seed=3
    )
    # Each repeat order's value gamma(p = 4, rate 1), for every customer
    # (drawn so that the likelihood rises to the ridge's end: with other
    # draws of the same model it may peak at a large finite q).
    orders = np.maximum(x, 1)
    m = np.random.default_rng(4).gamma(4.0 * orders, 1.0 / orders)
    rows, warned = fitted_and_warned(caplog, x, t_x, age, m)
    q = rows.query("model == 'gamma_gamma' and parameter == 'q'")["value"]
    assert q.tolist() == [1e6]
    assert "do not tell how much customers differ in what they spend" in warned
    assert "p v / (q - 1) = 4.0" in warned


def test_a_shop_of_fixed_price_plans_builds_and_each_customer_is_their_plan(
    caplog,
):
    # Every customer pays one plan's price on every order, 30 or 45: no
    # spread within a customer, which Gamma-Gamma's p runs to without end.
    x, t_x, age, _ = simulate_bgnbd(
        5_000, TRUE.r, TRUE.alpha, TRUE.a, TRUE.b, 730, seed=3
    )
    plan = np.where(np.random.default_rng(5).random(len(x)) < 0.5, 30.0, 45.0)
    rows, warned = fitted_and_warned(caplog, x, t_x, age, plan)
    fitted = rows.query("model == 'gamma_gamma'").set_index("parameter")["value"]
    assert fitted["p"] == 1e6
    params = gamma_gamma.GammaGammaParameters(fitted["p"], fitted["q"], fitted["v"])
    repeat = x > 0
    expected = gamma_gamma.expected_order_value(params, x[repeat], plan[repeat])
    np.testing.assert_allclose(expected, plan[repeat], rtol=1e-4)
    assert 30 < params.population_mean < 45
    assert "do not show their orders varying within a customer" in warned


@pytest.mark.parametrize(
    "repeat_customers",
    [
        # Customers with 1 to 9 repeat orders, evenly.
        [0] + [333] * 9,
        # A monthly box of 18 months, as a trial shop's build counted them:
        # here the last search, over v alone, is so sharply peaked that
        # L-BFGS-B's first step overshot and the build failed.
        [0, 280, 229, 181, 161, 147, 115, 112, 92, 67, 63, 54, 49, 38, 26, 22]
        + [19, 19],
    ],
)
def test_a_shop_of_one_price_builds_and_every_order_is_worth_that_price(
    repeat_customers,
):
    n = np.repeat(np.arange(len(repeat_customers)), repeat_customers).astype(float)
    fit = gamma_gamma.fit(n, np.full(len(n), 29.0))
    assert set(fit.ended) == {"one_value", "spend_alike"}
    assert fit.parameters.population_mean == pytest.approx(29.0, rel=1e-4)
    np.testing.assert_allclose(
        gamma_gamma.expected_order_value(fit.parameters, n, np.full(len(n), 29.0)),
        29.0,
        rtol=1e-4,
    )


def test_a_young_shop_where_nobody_has_left_builds_and_is_warned(caplog):
    x, t_x, age, _ = simulate_bgnbd(
        5_000, 0.8, 40.0, 1.0, 1.0, 120, seed=4, dropout=False
    )
    rows, warned = fitted_and_warned(caplog, x, t_x, age, 25.0 + x)
    fitted = rows.query("model == 'bg_nbd'").set_index("parameter")["value"]
    assert (fitted["a"], fitted["b"]) == (1e-6, 1e6)
    assert "show no customer dropping out" in warned
    assert "differ in their chance of dropping out" not in warned


@pytest.mark.parametrize(
    ("interval_days", "churn", "days"),
    [
        # Re-orders every 21 to 35 days, nobody leaves, 15 months.
        ((21.0, 35.0), 0.0, 450),
        # A monthly box, 7% cancel after each charge, 18 months.
        ((30.4, 30.4), 0.07, 540),
    ],
)
def test_shops_of_regular_buyers_fit_whatever_the_day_of_the_fit(
    interval_days, churn, days
):
    # Regular intervals are not Poisson: the rates look alike and r runs up
    # its ridge. Fitted every 15 days over the last nine months (the day of
    # a daily refresh, or of a holdout's calibration), every fit must end:
    # with rounding noise in the likelihood, some stopped short and failed.
    customers = regular_purchase_days(1_500, interval_days, churn, days, seed=1)
    for back in range(0, 270, 15):
        x, t_x, age = histories_at(customers, days - back)
        bgnbd.fit(purchase_histories(x, t_x, age), min_repeat_customers=30)


@pytest.mark.parametrize(
    ("error", "says", "not_says"),
    [
        (
            FitNotConvergedError("BG/NBD", 10, "iteration limit 10 reached", True),
            "Raise var clv_max_iterations (now 1000)",
            "would not help",
        ),
        (
            FitNotConvergedError("BG/NBD", 28, "no step ... raised the likelihood"),
            "More iterations would not help",
            "clv_max_iterations",
        ),
        (
            TooFewCustomersError("BG/NBD", "customers with a repeat purchase", 20, 30),
            "var clv_min_repeat_customers is 30: lower it to fit on fewer",
            ": or",
        ),
    ],
)
def test_each_failed_fit_names_the_var_that_can_change_it(error, says, not_says):
    worded = str(build_error(error, clv_settings(NO_HOLDOUT)))
    assert says in worded
    assert not_says not in worded


def test_a_subscription_box_builds_and_says_what_one_rate_costs(caplog):
    # One box a month at one price, 7% cancel after each, 13 months in: the
    # rates look alike (r at its end) and every order is worth the same.
    customers = regular_purchase_days(1_500, (30.4, 30.4), 0.07, 540, seed=1)
    x, t_x, age = histories_at(customers, 390)
    rows, warned = fitted_and_warned(caplog, x, t_x, age, 29.0)
    fitted = rows.set_index(["model", "parameter"])["value"]
    assert fitted["bg_nbd", "r"] == 1e6
    assert "every customer buying at about one rate" in warned
    assert "one who cancelled after a first order is predicted like a" in warned
    assert "q is at the end of its search too" in warned


def test_a_ridge_end_holds_one_parameter_and_fits_what_the_ridge_keeps():
    # Re-orders every 80 to 100 days: r and alpha run up together. One of
    # them is held at its bound; the other is fitted, so the mean rate
    # r / alpha stays the data's, not a ratio of two bounds.
    customers = regular_purchase_days(3_000, (80.0, 100.0), 0.0, 200, seed=1)
    x, t_x, age = histories_at(customers, 200)
    fit = bgnbd.fit(purchase_histories(x, t_x, age))
    assert "one_rate" in fit.ended
    alpha_bound = 1e6 * age.mean()  # the bound in days: times the mean T
    at_bound = [fit.parameters.r == 1e6, fit.parameters.alpha == alpha_bound]
    assert at_bound.count(True) == 1


def test_one_rate_is_warned_whichever_of_r_and_alpha_is_held(caplog):
    # Every 100 to 120 days: fewer than one purchase per mean T, so alpha is
    # the one that reaches the bound.
    customers = regular_purchase_days(3_000, (100.0, 120.0), 0.0, 300, seed=1)
    x, t_x, age = histories_at(customers, 225)
    rows, warned = fitted_and_warned(caplog, x, t_x, age, 20.0 + x)
    fitted = rows.set_index(["model", "parameter"])["value"]
    assert fitted["bg_nbd", "r"] < 1e6
    assert "every customer buying at about one rate" in warned
    assert "alpha held at the end of its search, r fitted" in warned


def test_a_ridge_that_would_hold_two_parameters_is_an_error_not_a_guess():
    # Both s and t rise without end, on one declared ridge: holding s, then
    # t, would fix what the ridge keeps (s / t) by the bounds.
    def rising(t: np.ndarray) -> tuple[float, np.ndarray]:
        return float(np.log(t[0]) + 2 * np.log(t[1])), np.array([1 / t[0], 2 / t[1]])

    with pytest.raises(ParameterAtBoundError):
        maximise_to_ridge_end(
            "test", ["s", "t"], rising, (1.0, 1.0), 1000, [Ridge("st", up=("s", "t"))]
        )


@pytest.mark.parametrize(
    ("days", "advice"),
    [
        # 400 days of orders: a longer history may yet show the spread.
        (400, "The histories reach back 400 days at most: longer ones may tell more."),
        # 800 days span the seasons already: no advice to wait for more.
        (800, None),
    ],
)
def test_the_dropout_ridge_warning_suggests_longer_histories_only_when_short(
    caplog, days, advice
):
    # Everyone drops out after a purchase with about one chance, 0.2.
    x, t_x, age, _ = simulate_bgnbd(5_000, 0.8, 40.0, 2000.0, 8000.0, days, seed=4)
    _, warned = fitted_and_warned(caplog, x, t_x, age, 25.0 + x)
    assert "differ in their chance of dropping out" in warned
    assert "a / (a + b) = 0.19" in warned
    assert "Var clv_parameters can hold the parameters of an earlier build" in warned
    if advice is None:
        assert "longer ones may tell more" not in warned
    else:
        assert advice in warned


@pytest.mark.parametrize(
    ("probability", "text"),
    [
        (0.19918, "0.1992"),
        (0.9999996, "1 - 4e-07"),
        (0.99994, "0.9999"),
        (1.0, "1"),
        (3e-9, "3e-09"),
        (0.0, "0"),
    ],
)
def test_a_probability_is_not_printed_as_certain_when_it_is_not(probability, text):
    assert probability_text(probability) == text
