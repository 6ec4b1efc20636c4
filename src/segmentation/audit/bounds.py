"""The tunable limits of the audit, in one validated object.

They are data, not code: what counts as a plausible segment mix differs by
business and by rule map, so callers pass them as keyword arguments to
`run_audit` (or CLI flags) instead of editing expectations.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class AuditBounds:
    """Limits the audit checks the candidate against.

    max_segment_share / min_segment_share: share of customers any one segment
        may hold (0..1). The default 0.6 stops a scoring bug that piles most
        customers into one segment; the UCI demo data's largest segment
        (Champions) holds 0.21. The default minimum 0 lets a segment be empty.
    segment_shares: per-segment (min, max) overriding the two above, e.g.
        {"Champions": (0.05, 0.3)}.
    monetary_tolerance: how far (in currency units) the sum of the customers'
        monetary may be from the sum of the clean order amounts. Both are exact
        decimal sums turned into doubles, so a cent is plenty.
    score_buckets: the highest R, F and M score (dbt var rfm_buckets).
    """

    max_segment_share: float = 0.6
    min_segment_share: float = 0.0
    segment_shares: Mapping[str, tuple[float, float]] = field(default_factory=dict)
    monetary_tolerance: float = 0.01
    score_buckets: int = 5

    def __post_init__(self) -> None:
        _check_share_range(
            "min/max_segment_share", self.min_segment_share, self.max_segment_share
        )
        for name, (low, high) in self.segment_shares.items():
            _check_share_range(f"segment_shares[{name!r}]", low, high)
        if not self.monetary_tolerance >= 0:
            raise ValueError(
                f"monetary_tolerance must be >= 0, got {self.monetary_tolerance}"
            )
        if self.score_buckets < 1:
            raise ValueError(f"score_buckets must be >= 1, got {self.score_buckets}")

    def share_bounds(self, segment_name: str) -> tuple[float, float]:
        """The (min, max) customer share allowed for this segment."""
        return self.segment_shares.get(
            segment_name, (self.min_segment_share, self.max_segment_share)
        )


def _check_share_range(label: str, low: float, high: float) -> None:
    if not 0.0 <= low <= high <= 1.0:
        raise ValueError(
            f"{label} must satisfy 0 <= min <= max <= 1, got {low}..{high}"
        )
