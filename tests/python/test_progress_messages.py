"""Progress lines of the long steps: the generator's per-chunk line on
stderr and the model selection's line per k (Python logging, which the dbt
Python models turn on; the dbt builds in test_dbt_clusters.py and
test_dbt_segment_history.py check that they reach dbt's output)."""

from __future__ import annotations

import logging
import re

import numpy as np

from segmentation.clustering import SelectionParams, evaluate_k_range
from segmentation_dev.datagen import generate_order_lines


def test_datagen_prints_share_rate_and_time_per_chunk(tmp_path, capsys):
    summary = generate_order_lines(tmp_path / "g.parquet", lines=2_000, progress=True)
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == summary["chunks"] == 1
    assert re.fullmatch(
        r"datagen: chunk 1/1 100%: 2,000 / 2,000 lines, [\d,]+ lines/s, [\d.]+ s",
        err[0],
    )


def test_datagen_is_quiet_for_small_runs(tmp_path, capsys):
    generate_order_lines(tmp_path / "g.parquet", lines=2_000)
    assert capsys.readouterr().err == ""


def test_selection_logs_one_line_per_k_with_its_figures(caplog):
    rng = np.random.default_rng(3)
    x = np.vstack([rng.normal(c, 0.3, size=(60, 2)) for c in (0, 4, 8)])
    params = SelectionParams(seed=1, n_init=2, n_bootstrap=0)
    with caplog.at_level(logging.INFO, logger="segmentation.clustering"):
        result = evaluate_k_range(x, [2, 3, 4], params)
    messages = [r.getMessage() for r in caplog.records]
    assert len(messages) == 3
    for position, row in enumerate(result.table.itertuples(), start=1):
        assert messages[position - 1].startswith(
            f"k-means k={row.k} ({position}/3): inertia"
            f" {row.inertia:,.0f}, silhouette {row.silhouette:.3f}, stability n/a"
        )
