{#
    Aggregate columns with the r-th point farthest from its own centroid,
    for r in 1..k-1 (ties by ascending index): the r-th empty cluster of a
    Lloyd round moves there, as in segmentation.clustering.kmeans_core. At
    most k - 1 clusters can be empty. Default: columns
    `farthest_<r>_<feature>` from the farthest_rank window
    (kmeans_farthest_rank). DuckDB: one column `farthest_points`, an
    arg_max over (distance, -index) that keeps only k - 1 points in one
    pass; kmeans_farthest_point reads either.
#}
{% macro kmeans_farthest_points(names, k, index_column) %}
    {{- return(adapter.dispatch('kmeans_farthest_points',
        'customer_segmentation')(names, k, index_column)) -}}
{% endmacro %}

{% macro default__kmeans_farthest_points(names, k, index_column) %}
    {%- for rank in range(1, k) %}
        {%- for name in names %}
        max(case when farthest_rank = {{ rank }} then {{ name }} end)
            as farthest_{{ rank }}_{{ name }},
        {%- endfor %}
    {%- endfor %}
{%- endmacro %}

{% macro duckdb__kmeans_farthest_points(names, k, index_column) %}
    {%- if k > 1 %}
        arg_max(
            struct_pack(
                {%- for name in names %}
                {{ name }} := {{ name }}{{ ',' if not loop.last }}
                {%- endfor %}
            ),
            struct_pack(
                distance := squared_distance, position := -{{ index_column }}
            ),
            {{ k - 1 }}
        ) as farthest_points,
    {%- endif %}
{%- endmacro %}
