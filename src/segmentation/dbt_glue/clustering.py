"""The K-means segmentation as one dbt Python model.

``python_models/clustering/int_kmeans_results.py`` calls :func:`kmeans_results`:
it reads the customers and the naming rules, runs
:func:`segmentation.clustering.segment_customers` once with var ``clustering``,
and returns everything the run produced as one table of seven parts, each row
holding one part in a struct column of its own:

===============  ==============================================
part             one row per
===============  ==============================================
customer         customer: its cluster of the chosen k
model_selection  k of k_range
cluster          cluster of the chosen k
cluster_feature  cluster of the chosen k and feature
comparison       k of compare_k and cluster of that k
run              run (one row): how k was decided, the settings
side_centroid    cluster of a side fit (a k of compare_k or the
                 split of a cluster) and feature: its centroid
===============  ==============================================

The struct column of a part has the part's name.

SQL models split it (``select customer.* ... where part = 'customer'``). A
typed error of the numerics is re-raised naming the setting as the key inside
var ``clustering`` that fixes it.

On a refresh (var ``refresh_from_stored``) :func:`stored_run` reads the
model's own stored table back (its centroids, model selection, run row and
side centroids), and the run keeps the stored k and starts from those
centroids when they fit (:mod:`segmentation.clustering.warm_start`), and its
side-by-side k and splits from theirs
(:mod:`segmentation.clustering.side_warm_start`); every reason it does not is
printed, the settings named as vars.
"""

from __future__ import annotations

import ast
import logging
from collections.abc import Mapping

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa

from segmentation.clustering import (
    ClusteringError,
    SegmentationResult,
    parse_config,
    segment_customers,
)
from segmentation.clustering.pipeline import CUSTOMER_COLUMNS
from segmentation.clustering.side_warm_start import SIDE_COLUMNS
from segmentation.clustering.warm_start import RECORD_COLUMNS, StoredRun
from segmentation.dbt_glue.build_output import print_to_build_output

#: The var holding the settings of segmentation.clustering.
VAR = "clustering"

# The customer part holds the numerics' customer table as it is.
CUSTOMER_PART = CUSTOMER_COLUMNS
CLUSTER_PART = [
    "cluster_id",
    "cluster_name",
    "naming_rule",
    "rule_margin",
    "customers",
    "share",
    "n_outliers",
    "revenue",
    "revenue_share",
    "responders",
    "response_known",
    "response_rate",
    "value_score",
    "previous_cluster_id",
    "match_distance",
]


def var_name(key: str) -> str:
    """How a setting is named in the build's messages: ``var clustering.fixed_k``."""
    return f"var {VAR}.{key}"


class ClusteringVarError(ValueError):
    """A K-means error worded in terms of the project's vars."""


def show_progress() -> None:
    """Print the clustering's progress lines (one per k evaluated) with the
    build's output."""
    print_to_build_output(logging.getLogger("segmentation.clustering"))


def _settings(clustering: Mapping[str, object] | str) -> dict:
    """var clustering as a dict: dbt-duckdb 1.11 hands over a dict, other
    versions its Python repr."""
    return dict(
        ast.literal_eval(clustering) if isinstance(clustering, str) else clustering
    )


def _struct(frame: pd.DataFrame, columns: list[str]) -> pa.StructArray:
    """The frame's columns as one struct array; text columns typed as text
    even when every value is null (no outlier, no split)."""
    arrays = []
    for column in columns:
        values = frame[column]
        text = pd.api.types.is_object_dtype(values.dtype)
        array = pa.array(values, type=pa.string() if text else None, from_pandas=True)
        if isinstance(array, pa.ChunkedArray):
            array = array.combine_chunks()
        arrays.append(array)
    return pa.StructArray.from_arrays(arrays, names=columns)


def results_table(result: SegmentationResult) -> pa.Table:
    """The run as one table of seven parts (see the module docstring)."""
    selection = result.model_selection
    customers = result.customer_clusters.astype(
        {"cluster_id": "int32", "sub_cluster_id": "Int32"}
    )
    parts = {
        "customer": _struct(customers, CUSTOMER_PART),
        "model_selection": _struct(selection, list(selection.columns)),
        "cluster": _struct(result.profiles, CLUSTER_PART),
        "cluster_feature": _struct(
            result.feature_profiles, list(result.feature_profiles.columns)
        ),
        "comparison": _struct(
            result.comparison_sizes, list(result.comparison_sizes.columns)
        ),
        "run": _struct(result.run_record, RECORD_COLUMNS),
        "side_centroid": _struct(result.side_centroids, SIDE_COLUMNS),
    }
    tables = []
    for name, values in parts.items():
        columns = {"part": pa.array(np.full(len(values), name))}
        for other, other_values in parts.items():
            columns[other] = (
                values if other == name else pa.nulls(len(values), other_values.type)
            )
        tables.append(pa.table(columns))
    return pa.concat_tables(tables)


def stored_centroids(
    session: duckdb.DuckDBPyConnection, stored: str
) -> pd.DataFrame | None:
    """The centroids of the stored run in table `stored` (the model's own
    table in a refresh's copy of the last published build), one row per
    cluster with ``centroid_<feature>`` in raw units, as
    ``segment_customers`` takes them to keep cluster ids; None when the
    stored build has no K-means run."""
    try:
        long = session.sql(
            f"select cluster_feature.cluster_id, cluster_feature.feature,"
            f" cluster_feature.centroid from {stored}"
            " where part = 'cluster_feature'"
        ).df()
    except duckdb.CatalogException:
        return None
    if long.empty:
        return None
    wide = long.pivot(index="cluster_id", columns="feature", values="centroid")
    wide.columns = [f"centroid_{feature}" for feature in wide.columns]
    return wide.reset_index()


def _stored_part(
    session: duckdb.DuckDBPyConnection, stored: str, part: str
) -> pd.DataFrame | None:
    """The rows of one part of the stored run; None when its table has no
    such part (a table written before the part existed)."""
    try:
        return session.sql(
            f"select \"{part}\".* from {stored} where part = '{part}'"
        ).df()
    except (duckdb.BinderException, duckdb.CatalogException):
        return None


def stored_run(session: duckdb.DuckDBPyConnection, stored: str) -> StoredRun | None:
    """The stored run of a refresh from table `stored` (the model's own table
    in the refresh's copy of the last published build): its centroids, model
    selection, run row and side centroids. None, and the reason printed, when
    the stored build has no K-means run."""
    show_progress()
    centroids = stored_centroids(session, stored)
    if centroids is None:
        logging.getLogger("segmentation.clustering").warning(
            "K-means: no warm start, so k is chosen again over %s: the stored "
            "build holds no K-means run (no clusters in %s)",
            var_name("k_range"),
            stored,
        )
        return None
    selection = _stored_part(session, stored, "model_selection")
    record = _stored_part(session, stored, "run")
    return StoredRun(
        centroids=centroids,
        model_selection=selection if selection is not None and len(selection) else None,
        record=record.iloc[0].to_dict() if record is not None and len(record) else None,
        # Empty when the stored run had neither side-by-side k nor splits.
        side_centroids=_stored_part(session, stored, "side_centroid"),
    )


def kmeans_results(
    customers: duckdb.DuckDBPyRelation,
    naming_rules: duckdb.DuckDBPyRelation,
    clustering: Mapping[str, object] | str,
    stored: StoredRun | None = None,
) -> pa.Table:
    """The whole K-means run for the dbt model, from its dbt inputs.

    Args:
        customers: ``dbt.ref("int_customer_features")``: one row per customer.
        naming_rules: ``dbt.ref("cluster_naming_rules")``.
        clustering: ``dbt.config.get("clustering")``, i.e. var clustering.
        stored: the stored run of a refresh (:func:`stored_run`): its k and
            centroids start this run when they fit, else its cluster ids are
            kept where the new clusters match.

    Raises:
        ClusteringVarError: on any error a setting or the data can fix, naming
            the var (``var clustering.fixed_k``) to change.
    """
    settings = _settings(clustering)
    show_progress()
    try:
        cfg = parse_config(settings)
        extra = [cfg.revenue_column, cfg.response_column]
        columns = dict.fromkeys(
            [cfg.id_column, *(f.name for f in cfg.features), *filter(None, extra)]
        )
        # In id order, which the numerics would otherwise sort into.
        features = (
            customers.project(", ".join(f'"{c}"' for c in columns))
            .order(f'"{cfg.id_column}"')
            .df()
        )
        rules = naming_rules.order("priority, name").df()
        result = segment_customers(
            features,
            settings,
            naming_rules=rules,
            stored_run=stored,
            setting_name=var_name,
        )
    except duckdb.BinderException as err:
        raise ClusteringVarError(
            f"K-means segments cannot be built: {var_name('features')} (or "
            "revenue_column, response_column) names a column the customer table "
            f"does not have: {err}"
        ) from None
    except ClusteringError as err:
        raise ClusteringVarError(
            f"K-means segments cannot be built: {err.render(var_name)}. Or set "
            "var clustering_enabled: false to build the RFM segments without "
            "K-means."
        ) from None
    chosen = result.model_selection.loc[result.model_selection["is_chosen"]]
    if len(chosen) and not bool(chosen["passes_gates"].iloc[0]):
        # The gates on the published clusters will fail: say why up front.
        logging.getLogger("segmentation.clustering").warning(
            "K-means: %s (settings inside var %s; docs/kmeans.md)",
            result.chosen_k_reason,
            VAR,
        )
    return results_table(result)
