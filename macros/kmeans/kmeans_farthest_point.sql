{#
    The value of one feature of the r-th farthest point of a Lloyd round,
    from the aggregate columns of kmeans_farthest_points.
#}
{% macro kmeans_farthest_point(rank, name) %}
    {{- return(adapter.dispatch('kmeans_farthest_point',
        'customer_segmentation')(rank, name)) -}}
{% endmacro %}

{% macro default__kmeans_farthest_point(rank, name) %}
    {{- 'farthest_' ~ rank ~ '_' ~ name -}}
{%- endmacro %}

{% macro duckdb__kmeans_farthest_point(rank, name) %}
    {{- 'farthest_points[' ~ rank ~ '].' ~ name -}}
{%- endmacro %}
