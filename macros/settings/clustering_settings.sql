{#
    var clustering over the default of every K-means setting, for the SQL
    that reads one (the quality tests on the clusters, the SQL K-means).
    Written by scripts/kmeans_settings.py from the settings declared in
    src/segmentation/clustering/config.py, with their meaning in
    docs/kmeans.md: change them there, not here (a test compares).
#}
{% macro clustering_settings() %}
    {%- set settings = {
        'id_column': 'customer_id',
        'seed': 42,
        'k_range': [2, 10],
        'business_k_range': [3, 7],
        'fixed_k': none,
        'n_init': 10,
        'max_iter': 300,
        'tol': 0.0001,
        'init_sample_size': 20000,
        'skew_threshold': 1.0,
        'outlier_z': 5.0,
        'max_outlier_share': 0.02,
        'silhouette_exact_max': 5000,
        'silhouette_sample_size': 5000,
        'n_bootstrap': 5,
        'bootstrap_sample_size': 10000,
        'bootstrap_n_init': 3,
        'min_silhouette': 0.25,
        'min_stability': 0.8,
        'min_cluster_customers': 100,
        'min_cluster_share': 0.05,
        'max_cluster_share': 0.4,
        'min_centroid_distance': 1.0,
        'silhouette_tolerance': 0.005,
        'split_k_range': [2, 4],
        'split_fixed_k': none,
        'compare_k': [3, 4, 5],
        'revenue_column': none,
        'response_column': none,
        'max_match_distance': none,
        'naming_rule_set': none
    } -%}
    {%- set given = var('clustering') -%}
    {%- if given is not mapping -%}
        {{ exceptions.raise_compiler_error("var clustering must be a dict "
            ~ "of K-means settings (docs/kmeans.md); got: " ~ given) }}
    {%- endif -%}
    {%- do settings.update(given) -%}
    {{- return(settings) -}}
{% endmacro %}
