"""The glue of the dbt Python model: one run, one table of seven parts, and
errors worded in terms of var clustering."""

from __future__ import annotations

import duckdb
import pandas as pd
import pytest
from clustering_data import FAST, RETAIL_SPEC

from segmentation.clustering import default_naming_rules
from segmentation.dbt_glue.clustering import ClusteringVarError, kmeans_results


@pytest.fixture(scope="module")
def con(retail: pd.DataFrame) -> duckdb.DuckDBPyConnection:
    connection = duckdb.connect()
    connection.register("customers", retail)
    connection.register("rules", default_naming_rules())
    return connection


def _run(con: duckdb.DuckDBPyConnection, **settings: object):
    clustering = {"features": RETAIL_SPEC, "seed": 3, **FAST, **settings}
    return kmeans_results(
        con.sql("select * from customers"), con.sql("select * from rules"), clustering
    )


def test_one_table_holds_the_seven_parts(con, retail) -> None:
    table = _run(con, compare_k=[3, 4, 5])
    con.register("results", table)
    counts = dict(
        con.sql("select part, count(*) from results group by part").fetchall()
    )
    chosen = con.sql(
        "select k from (select unnest(model_selection) from results"
        " where part = 'model_selection') where is_chosen"
    ).fetchall()[0][0]
    assert counts["customer"] == len(retail)
    assert counts["model_selection"] == 6
    assert counts["cluster"] == chosen
    assert counts["cluster_feature"] == chosen * len(RETAIL_SPEC)
    assert counts["comparison"] == 3 + 4 + 5
    assert counts["run"] == 1
    # The side fits' centroids, per cluster and feature, for the next refresh.
    assert (
        counts["side_centroid"]
        == (3 + 4 + 5) * len(RETAIL_SPEC)
        + con.sql(
            "select count(distinct (customer.cluster_id, customer.sub_cluster_id))"
            f" * {len(RETAIL_SPEC)} from results where part = 'customer'"
            " and customer.sub_cluster_id is not null"
        ).fetchall()[0][0]
    )
    # Each row carries its own part only.
    parts = [
        "customer",
        "model_selection",
        "cluster",
        "cluster_feature",
        "comparison",
        "run",
        "side_centroid",
    ]
    stray = con.sql(
        "select count(*) from results where "
        + " or ".join(f"({p} is not null) <> (part = '{p}')" for p in parts)
    ).fetchall()[0][0]
    assert stray == 0
    # Side by side, the chosen k is the chosen clusters themselves, and every
    # k accounts for every customer.
    side = con.sql(
        "select cluster_id, cluster_name, customers from (select unnest(comparison)"
        f" from results where part = 'comparison') where k = {chosen} order by 1"
    ).fetchall()
    chosen_sizes = con.sql(
        "select cluster_id, any_value(cluster_name), count(*) from (select"
        " unnest(customer) from results where part = 'customer') group by 1"
        " order by 1"
    ).fetchall()
    assert side == chosen_sizes
    totals = con.sql(
        "select k, sum(customers) from (select unnest(comparison) from results"
        " where part = 'comparison') group by k"
    ).fetchall()
    assert {total for _, total in totals} == {len(retail)}


def test_text_columns_stay_text_when_every_value_is_null(con) -> None:
    # No outliers and no split: outlier_reason and sub_cluster_name are all
    # null, and must still be text (the marts cast them, contracts check).
    table = _run(con, outlier_z=None, max_cluster_share=None)
    customer = table.schema.field("customer").type
    types = {
        customer.field(i).name: str(customer.field(i).type)
        for i in range(customer.num_fields)
    }
    assert types["outlier_reason"] in ("string", "large_string")
    assert types["sub_cluster_name"] in ("string", "large_string")
    assert types["is_outlier"] == "bool"


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"fixed_k": 5000}, r"lower k \(var clustering.fixed_k\)"),
        ({"n_init": 0}, "var clustering.n_init must be >= 1"),
        ({"outlier_threshold": 6}, r"unknown settings \['outlier_threshold'\]"),
        (
            {"features": [*RETAIL_SPEC, {"name": "no_such_column"}]},
            "var clustering.features",
        ),
        ({"naming_rule_set": "rfm"}, None),
    ],
)
def test_errors_name_the_var_to_change(con, settings: dict, message) -> None:
    if message is None:
        # A rules table without rule sets is used whole, whatever the set.
        assert _run(con, **settings).num_rows > 0
        return
    with pytest.raises(ClusteringVarError, match=message) as err:
        _run(con, **settings)
    assert "K-means segments cannot be built" in str(err.value)
