"""The CLV numerics against an independent implementation on the same
inputs: lifetimes 0.11.3 (BetaGeoFitter, GammaGammaFitter) on its copy of
the CDNOW sample of Fader, Hardie and Lee (2,357 customers, time in weeks),
and the values the BG/NBD paper publishes for it. Parameters within 1%,
P(alive) within 0.005."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from lifetimes import BetaGeoFitter, GammaGammaFitter
from lifetimes.datasets import (
    load_cdnow_summary,
    load_cdnow_summary_data_with_monetary_value,
)

from segmentation.clv import bgnbd, gamma_gamma, lifetime_value
from segmentation.clv.histories import purchase_histories

# Fader, Hardie and Lee (2005), "Counting your customers the easy way",
# section 5: the CDNOW sample in weeks.
PAPER_BGNBD = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}
PAPER_LOG_LIKELIHOOD = -9582.4
# Fader and Hardie, "The Gamma-Gamma model of monetary value" (2013), on
# the 946 repeat customers of the same sample.
PAPER_GAMMA_GAMMA = {"p": 6.25, "q": 3.74, "v": 15.44}


@pytest.fixture(scope="module")
def cdnow() -> pd.DataFrame:
    summary = load_cdnow_summary_data_with_monetary_value()
    # The two copies lifetimes ships hold the same histories.
    plain = load_cdnow_summary(index_col=[0])
    assert len(summary) == len(plain) == 2357
    assert (summary["frequency"].to_numpy() == plain["frequency"].to_numpy()).all()
    return summary


@pytest.fixture(scope="module")
def ours(cdnow) -> bgnbd.BgNbdFit:
    return bgnbd.fit(
        purchase_histories(cdnow["frequency"], cdnow["recency"], cdnow["T"])
    )


@pytest.fixture(scope="module")
def theirs(cdnow) -> BetaGeoFitter:
    return BetaGeoFitter(penalizer_coef=0.0).fit(
        cdnow["frequency"], cdnow["recency"], cdnow["T"]
    )


@pytest.fixture(scope="module")
def repeat_customers(cdnow) -> pd.DataFrame:
    return cdnow[cdnow["frequency"] > 0]


def test_bgnbd_parameters_match_lifetimes_and_the_paper(ours, theirs):
    for name in ("r", "alpha", "a", "b"):
        value = getattr(ours.parameters, name)
        assert value == pytest.approx(theirs.params_[name], rel=0.01), name
        assert value == pytest.approx(PAPER_BGNBD[name], rel=0.01), name
    assert ours.log_likelihood == pytest.approx(PAPER_LOG_LIKELIHOOD, abs=0.05)
    assert ours.customers == 2357
    assert ours.repeat_customers == 946


def test_p_alive_matches_lifetimes(cdnow, ours, theirs):
    expected = theirs.conditional_probability_alive(
        cdnow["frequency"], cdnow["recency"], cdnow["T"]
    )
    got = bgnbd.probability_alive(
        ours.parameters, cdnow["frequency"], cdnow["recency"], cdnow["T"]
    )
    assert np.max(np.abs(got - np.asarray(expected))) < 0.005
    # Those without a repeat purchase are alive by the model's definition.
    assert (got[cdnow["frequency"].to_numpy() == 0] == 1.0).all()
    assert got.min() < 0.05


@pytest.mark.parametrize("weeks", [1, 39, 52, 156])
def test_expected_purchases_match_lifetimes_with_the_same_parameters(
    cdnow, theirs, weeks
):
    params = bgnbd.BgNbdParameters(*theirs.params_[["r", "alpha", "a", "b"]])
    expected = theirs.conditional_expected_number_of_purchases_up_to_time(
        weeks, cdnow["frequency"], cdnow["recency"], cdnow["T"]
    )
    got = bgnbd.expected_purchases(
        params, weeks, cdnow["frequency"], cdnow["recency"], cdnow["T"]
    )
    np.testing.assert_allclose(got, expected, rtol=1e-6)


def test_a_fit_in_days_is_the_fit_in_weeks_with_alpha_times_seven(cdnow, ours):
    days = bgnbd.fit(
        purchase_histories(cdnow["frequency"], cdnow["recency"] * 7, cdnow["T"] * 7)
    )
    assert days.parameters.alpha == pytest.approx(ours.parameters.alpha * 7, rel=1e-4)
    for name in ("r", "a", "b"):
        assert getattr(days.parameters, name) == pytest.approx(
            getattr(ours.parameters, name), rel=1e-4
        )


def test_gamma_gamma_parameters_match_lifetimes_and_the_paper(repeat_customers):
    ours = gamma_gamma.fit(
        repeat_customers["frequency"], repeat_customers["monetary_value"]
    )
    theirs = GammaGammaFitter(penalizer_coef=0.0).fit(
        repeat_customers["frequency"], repeat_customers["monetary_value"]
    )
    for name in ("p", "q", "v"):
        value = getattr(ours.parameters, name)
        assert value == pytest.approx(theirs.params_[name], rel=0.01), name
        assert value == pytest.approx(PAPER_GAMMA_GAMMA[name], rel=0.01), name
    assert ours.customers == 946
    expected = theirs.conditional_expected_average_profit(
        repeat_customers["frequency"], repeat_customers["monetary_value"]
    )
    got = gamma_gamma.expected_order_value(
        ours.parameters,
        repeat_customers["frequency"],
        repeat_customers["monetary_value"],
    )
    np.testing.assert_allclose(got, expected, rtol=0.01)


def test_discounted_clv_matches_lifetimes(cdnow, repeat_customers):
    # lifetimes discounts monthly at (1 + d) per 30-day step of a daily model;
    # the same steps at the equivalent yearly rate must give the same value.
    frequency, recency, age = cdnow["frequency"], cdnow["recency"] * 7, cdnow["T"] * 7
    purchases = BetaGeoFitter().fit(frequency, recency, age)
    values = GammaGammaFitter().fit(
        repeat_customers["frequency"], repeat_customers["monetary_value"]
    )
    monthly = 0.01
    expected = values.customer_lifetime_value(
        purchases,
        frequency,
        recency,
        age,
        cdnow["monetary_value"],
        time=12,
        discount_rate=monthly,
        freq="D",
    )
    got = lifetime_value.customer_values(
        bgnbd.BgNbdParameters(*purchases.params_[["r", "alpha", "a", "b"]]),
        gamma_gamma.GammaGammaParameters(*values.params_[["p", "q", "v"]]),
        purchase_histories(frequency, recency, age),
        frequency,
        cdnow["monetary_value"].where(frequency > 0),
        horizon=360,
        annual_discount_rate=(1 + monthly) ** (365.25 / 30) - 1,
    )
    np.testing.assert_allclose(got.predicted_clv, expected, rtol=1e-6)
    assert got.predicted_clv.max() > 1000
