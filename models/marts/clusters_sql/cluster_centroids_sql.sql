-- The centroids of the SQL K-means, one row per cluster and feature, after
-- var sql_kmeans_iterations Lloyd rounds from
-- int_cluster_centroids_initialised (macros sql_kmeans_centroids,
-- kmeans_lloyd).

{{ sql_kmeans_centroids() }}
