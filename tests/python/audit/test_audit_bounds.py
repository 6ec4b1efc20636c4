"""The audit's limits: validated before any data is read, so a typo in a
bound fails loudly instead of auditing with a default."""

from __future__ import annotations

import pandas as pd
import pytest

from segmentation.audit import AuditBounds, run_audit
from segmentation.audit.segment_shares import segment_shares


def test_defaults_and_per_segment_override():
    bounds = AuditBounds(segment_shares={"Lost": (0.1, 0.3)})
    assert bounds.share_bounds("Champions") == (0.0, 0.6)
    assert bounds.share_bounds("Lost") == (0.1, 0.3)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"max_segment_share": 1.5},
        {"min_segment_share": 0.7},  # above the default max 0.6
        {"segment_shares": {"Lost": (0.4, 0.2)}},
        {"monetary_tolerance": -1},
        {"score_buckets": 0},
    ],
)
def test_invalid_bounds_rejected(kwargs):
    with pytest.raises(ValueError):
        AuditBounds(**kwargs)


def test_unknown_bound_name_rejected(tmp_path):
    with pytest.raises(TypeError, match="max_share"):
        run_audit(tmp_path / "never_read.duckdb", docs_dir=tmp_path, max_share=0.5)


def test_bound_for_undefined_segment_rejected(good_candidate, tmp_path):
    with pytest.raises(ValueError, match="Whales"):
        run_audit(
            good_candidate, docs_dir=tmp_path, segment_shares={"Whales": (0, 0.1)}
        )


def test_segment_shares_cover_empty_and_undefined_segments():
    customers = pd.DataFrame({"segment_name": ["A", "A", "X", None]})
    shares = segment_shares(customers, ["A", "B"])
    assert shares["segment_name"].tolist() == ["A", "B", "X"]
    assert shares["customers"].tolist() == [2, 0, 1]
    assert shares["customer_share"].tolist() == [0.5, 0.0, 0.25]


@pytest.mark.parametrize("share", ["Champions", "Champions=0.1", "Champions=a:b"])
def test_cli_rejects_malformed_segment_share(share, capsys):
    from segmentation.audit.cli import main

    with pytest.raises(SystemExit):
        main(["--db", "a.duckdb", "--docs-dir", "d", "--segment-share", share])
    assert "argument --segment-share" in capsys.readouterr().err
