{#
    Quality gate: every two clusters' centroids are at least `min_distance`
    apart (Euclidean, in z units), so no two segments describe the same
    customers. Put on a table with one row per cluster, its id in
    `column_name` and the centroid in the columns whose names start with
    `column_prefix` (a null centroid column, e.g. of a dropped feature,
    counts as no difference). Fails with each pair that is too close.
    Severity: var `cluster_gate_severity`.
#}
{% test expect_cluster_centroids_apart(
    model, column_name, min_distance, column_prefix='centroid_z_'
) %}
{{ config(severity=var('cluster_gate_severity', 'error')) }}
{%- set centroid_columns = [] %}
{%- if execute %}
    {%- for column in adapter.get_columns_in_relation(model) %}
        {%- if (column.name | lower).startswith(column_prefix) %}
            {%- do centroid_columns.append(column.name) %}
        {%- endif %}
    {%- endfor %}
{%- endif %}
{%- if centroid_columns | length == 0 %}
    {%- do centroid_columns.append(column_name) %}
{%- endif %}

with

centroids as (

    select * from {{ model }}

),

pairs as (

    select
        left_centroid.{{ column_name }} as cluster_id,
        right_centroid.{{ column_name }} as other_cluster_id,
        sqrt(
            {%- for column in centroid_columns %}
            coalesce(power(
                left_centroid.{{ column }} - right_centroid.{{ column }}, 2
            ), 0)
            {%- if not loop.last %} +{% endif %}
            {%- endfor %}
        ) as centroid_distance
    from centroids as left_centroid
    inner join centroids as right_centroid
        on left_centroid.{{ column_name }} < right_centroid.{{ column_name }}

),

validation_errors as (

    select
        cluster_id,
        other_cluster_id,
        centroid_distance,
        {{ min_distance }} as min_distance
    from pairs
    where centroid_distance < {{ min_distance }}

)

select * from validation_errors
{% endtest %}
