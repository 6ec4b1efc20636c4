"""The gamma-function differences against sums that share no code with
them: for a whole x, lnG(q + x) - lnG(q) is the sum of ln(q + k), and
digamma(q + x) - digamma(q) the sum of 1 / (q + k), k = 0 .. x - 1."""

from __future__ import annotations

import math

import pytest

from segmentation.clv.special import digamma_rise, log_beta, log_rising


@pytest.mark.parametrize("q", [0.3, 7.5, 99.9, 100.0, 2_014.3, 7.1e5, 1e6])
@pytest.mark.parametrize("x", [0, 1, 4, 40, 400])
def test_rises_are_the_sums_they_stand_for(q, x):
    logs = math.fsum(math.log(q + k) for k in range(x))
    inverses = math.fsum(1.0 / (q + k) for k in range(x))
    assert float(log_rising(q, x)) == pytest.approx(logs, rel=1e-13, abs=1e-13)
    assert float(digamma_rise(q, x)) == pytest.approx(inverses, rel=1e-12, abs=1e-15)


@pytest.mark.parametrize("big", [3.5, 150.0, 1e6])
@pytest.mark.parametrize("n", [1, 3, 25])
def test_log_beta_of_a_whole_number_is_a_factorial_over_a_product(big, n):
    # B(big, n) = (n - 1)! / (big (big + 1) ... (big + n - 1)), either way round.
    expected = math.lgamma(n) - math.fsum(math.log(big + k) for k in range(n))
    assert float(log_beta(big, n)) == pytest.approx(expected, rel=1e-13, abs=1e-13)
    assert float(log_beta(n, big)) == float(log_beta(big, n))


@pytest.mark.parametrize("q", [0.3, 7.5, 150.0, 1_000.0])
@pytest.mark.parametrize("x", [0.25, 2.5, 37.5])
def test_rises_at_fractions_match_gamma_where_it_is_exact_enough(q, x):
    # Moderate q: math.lgamma's own difference is good to about 10^-13.
    assert float(log_rising(q, x)) == pytest.approx(
        math.lgamma(q + x) - math.lgamma(q), rel=1e-11
    )
