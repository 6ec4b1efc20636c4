-- The centroids of the SQL K-means, one row per cluster and feature, after
-- var sql_kmeans_iterations Lloyd rounds from
-- int_cluster_centroids_initialised (macro kmeans_lloyd).
{%- set settings = kmeans_sql_settings() %}

{{ kmeans_lloyd(
    points=ref('int_customer_features_standardised'),
    initial_centroids=ref('int_cluster_centroids_initialised'),
    features=settings.features,
    k=settings.k,
    iterations=settings.iterations,
    tol=settings.tol
) }}
