"""One segmentation run shared by the dbt Python models that publish its
parts.

A dbt Python model returns one table, but one K-means run produces several
(assignments, model selection, centroids, profiles, side-by-side fits).
dbt-duckdb runs every Python model of a build inside the one dbt process, so
the models that each publish one part call :func:`segment_customers_once`
(through :func:`segment_scored_customers`): the first call
computes, later calls with the same inputs and config get the same result
object. The key is a fingerprint of the inputs, so a changed input or config
always recomputes; nothing carries over between builds.
"""

from __future__ import annotations

import ast
import hashlib
import json
import logging
import sys
import threading
from collections.abc import Mapping

import duckdb
import pandas as pd

from segmentation.clustering.pipeline import SegmentationResult, segment_customers

_lock = threading.Lock()
_results: dict[str, SegmentationResult] = {}


def fingerprint(
    features_df: pd.DataFrame,
    config: Mapping[str, object],
    naming_rules: pd.DataFrame | None,
) -> str:
    """A digest of everything the run depends on: data, config and rules."""
    digest = hashlib.sha256()
    for frame in (features_df, naming_rules):
        if frame is None:
            digest.update(b"none")
            continue
        digest.update(",".join(map(str, frame.columns)).encode())
        hashed = pd.util.hash_pandas_object(frame, index=False)
        digest.update(hashed.to_numpy().tobytes())
    digest.update(json.dumps(config, sort_keys=True, default=str).encode())
    return digest.hexdigest()


def segment_customers_once(
    features_df: pd.DataFrame,
    config: Mapping[str, object],
    naming_rules: pd.DataFrame | None = None,
) -> SegmentationResult:
    """:func:`segment_customers`, computed once per distinct input.

    Callers on other threads wait for a run in progress instead of starting
    their own. Only the latest result is kept, so memory stays bounded.
    """
    key = fingerprint(features_df, config, naming_rules)
    with _lock:
        if key not in _results:
            _results.clear()
            _results[key] = segment_customers(
                features_df, config, naming_rules=naming_rules
            )
        return _results[key]


def show_progress() -> None:
    """Print the clustering's progress lines (one per k evaluated) to
    stdout, timestamped like dbt's own lines, once per process. Only the dbt
    Python models call this, so library users and tests stay quiet."""
    progress = logging.getLogger("segmentation.clustering")
    if any(getattr(h, "_segmentation_progress", False) for h in progress.handlers):
        return
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(logging.Formatter("%(asctime)s  %(message)s", "%H:%M:%S"))
    handler._segmentation_progress = True
    progress.addHandler(handler)
    progress.setLevel(logging.INFO)
    progress.propagate = False


def segment_scored_customers(
    scored: duckdb.DuckDBPyRelation,
    naming_rules: duckdb.DuckDBPyRelation,
    clustering: Mapping[str, object] | str,
) -> SegmentationResult:
    """The shared run for the dbt Python models, from their dbt inputs.

    Args:
        scored: ``dbt.ref("int_customers_rfm_scored")``: one row per customer.
        naming_rules: ``dbt.ref("cluster_naming_rules")``.
        clustering: ``dbt.config.get("clustering")``, i.e. var clustering.
            dbt-duckdb 1.11 hands over a dict; other versions hand over its
            Python repr, which is parsed here.
    """
    config = ast.literal_eval(clustering) if isinstance(clustering, str) else clustering
    names = [f["name"] if isinstance(f, dict) else f for f in config["features"]]
    extra = [config.get(k) for k in ("revenue_column", "response_column")]
    columns = dict.fromkeys(["customer_id", *names, *filter(None, extra)])
    features = scored.project(", ".join(columns)).order("customer_id").df()
    rules = naming_rules.order("priority, name").df()
    show_progress()
    try:
        return segment_customers_once(features, config, naming_rules=rules)
    except ValueError as err:
        # dbt prints this after a traceback: say what to change, in dbt terms.
        raise ValueError(
            f"K-means segments cannot be built: {err}. Change var clustering or the "
            "order lines, or set var clustering_enabled: false to build the RFM "
            "segments without K-means."
        ) from None
