{#
    The project's SQL K-means: kmeans_lloyd on the standardised customer
    features from the initial centroids, with the settings of var
    sql_kmeans_* (kmeans_sql_settings). The mart cluster_centroids_sql and
    the test that runs the portable SQL next to it call this one macro, so
    they cannot drift apart in anything but `portable`.
#}
{% macro sql_kmeans_centroids(portable=false) %}
    {%- set settings = kmeans_sql_settings() -%}
    {{ kmeans_lloyd(
        points=ref('int_customer_features_standardised'),
        initial_centroids=ref('int_cluster_centroids_initialised'),
        features=settings.features,
        k=settings.k,
        iterations=settings.iterations,
        tol=settings.tol,
        portable=portable
    ) }}
{%- endmacro %}
