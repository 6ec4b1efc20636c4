"""A refresh keeps the stored run's cluster ids: stored_centroids reads the
centroids back from the run's own table as segment_customers takes them."""

from __future__ import annotations

import duckdb
import pandas as pd

from segmentation.dbt_glue.clustering import stored_centroids


def test_stored_centroids_come_back_wide_in_raw_units():
    con = duckdb.connect()
    con.execute(
        """
        create table runs as
        select 'cluster_feature' as part,
            {'cluster_id': cluster_id, 'feature': feature, 'centroid': centroid}
                as cluster_feature
        from (values (1, 'recency_days', 12.5), (1, 'frequency', 7.0),
                     (2, 'recency_days', 200.0), (2, 'frequency', 1.0))
            as t(cluster_id, feature, centroid)
        union all
        select 'customer', null
        """
    )
    got = stored_centroids(con, "runs").sort_values("cluster_id")
    want = pd.DataFrame(
        {
            "cluster_id": [1, 2],
            "centroid_frequency": [7.0, 1.0],
            "centroid_recency_days": [12.5, 200.0],
        }
    )
    pd.testing.assert_frame_equal(
        got.reset_index(drop=True)[want.columns], want, check_dtype=False
    )


def test_no_stored_run_means_no_previous_centroids():
    con = duckdb.connect()
    assert stored_centroids(con, "missing_table") is None
