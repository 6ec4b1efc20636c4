{#
    Quality gate: every two clusters' centroids are at least `min_distance`
    apart (Euclidean, in z units), so no two segments describe the same
    customers. `min_distance` defaults to var
    clustering.min_centroid_distance (null: nothing to check). Put on a
    long table with one row per cluster (`column_name`) and feature
    (`feature_column`), the centroid in `centroid_column`; rows whose
    `used_column` is false (features the run dropped) are left out. Fails
    with each pair that is too close and a failure_reason.
    Severity: var `cluster_gate_severity`.
#}
{% test expect_cluster_centroids_apart(
    model,
    column_name,
    min_distance=none,
    feature_column='feature',
    centroid_column='centroid_z',
    used_column='is_clustered_on'
) %}
{{ config(severity=settings().cluster_gate_severity) }}
{%- set floor = cluster_gate_threshold(min_distance, 'min_centroid_distance') %}
{%- set text = dbt.type_string() %}
{%- set observed -%}
    'the centroids of clusters ' || cast(cluster_id as {{ text }})
    || ' and ' || cast(other_cluster_id as {{ text }}) || ' are '
    || cast(round(centroid_distance, 3) as {{ text }}) || ' apart (z units)'
{%- endset %}

with

centroids as (

    select
        {{ column_name }} as cluster_id,
        {{ feature_column }} as feature,
        {{ centroid_column }} as centroid_z
    from {{ model }}
    where {{ used_column }}

),

pairs as (

    select
        left_centroid.cluster_id,
        right_centroid.cluster_id as other_cluster_id,
        sqrt(
            sum(power(left_centroid.centroid_z - right_centroid.centroid_z, 2))
        ) as centroid_distance
    from centroids as left_centroid
    inner join centroids as right_centroid
        on
            left_centroid.feature = right_centroid.feature
            and left_centroid.cluster_id < right_centroid.cluster_id
    group by left_centroid.cluster_id, right_centroid.cluster_id

),

validation_errors as (

    {{ bound_errors(
        'pairs', 'centroid_distance', observed,
        columns=['*', floor ~ ' as min_distance'],
        min_value=floor,
        min_name='var clustering.min_centroid_distance',
        min_word='closer than'
    ) }}

)

select * from validation_errors
{% endtest %}
