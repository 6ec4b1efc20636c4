-- One row per customer: the nearest centroid of cluster_centroids_sql (the
-- lowest index on exact ties), the final assignment of the SQL K-means.
{%- set settings = kmeans_sql_settings() %}
{%- set k = settings.k %}
{%- set pivoted = [] %}
{%- for j in range(k) %}
    {%- for feature in settings.features %}
        {%- do pivoted.append('max(case when cluster_index = ' ~ j
            ~ " and feature_name = '" ~ feature.name ~ "' then centroid_z end)"
            ~ '\n            as centroid_' ~ j ~ '_' ~ feature.name) %}
    {%- endfor %}
{%- endfor %}

with

features as (

    select * from {{ ref('int_customer_features_standardised') }}

),

centroid_features as (

    select * from {{ ref('cluster_centroids_sql') }}

),

centroids as (

    -- One row, one column per cluster and feature.
    select
        {{ pivoted | join(',\n        ') }}
    from centroid_features

),

distances as (

    select
        features.customer_id,
        {{ kmeans_squared_distances(
            settings.features, k, 'features', 'centroids'
        ) | trim }}
    from features
    cross join centroids

),

assigned as (

    select
        customer_id,
        {{ kmeans_nearest_centroid(k) | trim }} as cluster_index,
        sqrt({{ kmeans_min_distance(k) | trim }}) as distance_to_centroid_z
    from distances

)

select * from assigned
