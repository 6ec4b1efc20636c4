"""Independent computations of what the campaign models publish: the
playbook weights read from the seed CSV, the budget split by largest
remainder in exact fractions, and Wilson intervals from scipy. Shared by the
tests of the campaign marts; none of it reads the models' SQL."""

from __future__ import annotations

import csv
import math
from collections.abc import Mapping
from fractions import Fraction

from dbt_project_runner import PROJECT_DIR
from scipy.stats import binomtest

PLAYBOOK = PROJECT_DIR / "seeds" / "segment_playbook.csv"


def playbook_weights(segment_type: str, rule_set: str = "") -> dict[str, Fraction]:
    """budget_weight per segment name, as marketing wrote it in the seed."""
    with PLAYBOOK.open() as handle:
        return {
            row["segment_name"]: Fraction(row["budget_weight"])
            for row in csv.DictReader(handle)
            if row["segment_type"] == segment_type
            and row["naming_rule_set"] == rule_set
        }


def budget_cents(
    total: int, weighted: Mapping[str, Fraction], rank: Mapping[str, int]
) -> dict[str, int]:
    """`total` (whole currency units) split in proportion to `weighted`, in
    cents: each gets the floor of its exact share, then the cents left over
    go one each to the largest remainders (ties to the lower rank)."""
    exact = {
        name: Fraction(total * 100) * share / sum(weighted.values())
        for name, share in weighted.items()
    }
    cents = {name: math.floor(share) for name, share in exact.items()}
    left_over = total * 100 - sum(cents.values())
    by_remainder = sorted(
        exact, key=lambda name: (cents[name] - exact[name], rank[name])
    )
    for name in by_remainder[:left_over]:
        cents[name] += 1
    return cents


def wilson(successes: int, trials: int, level: float = 0.95) -> tuple[float, float]:
    """The Wilson score interval, as scipy computes it."""
    interval = binomtest(successes, trials).proportion_ci(level, method="wilson")
    return interval.low, interval.high
