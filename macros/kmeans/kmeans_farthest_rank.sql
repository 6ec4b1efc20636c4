{#
    The column that ranks the points of a Lloyd round from the farthest to
    the nearest to their own centroid (`squared_distance`, an expression;
    ties by ascending index), for kmeans_farthest_points. A window over all
    points, so only where the engine has nothing cheaper; DuckDB needs none
    (its arg_max keeps the top points in one pass) and gets nothing.
#}
{% macro kmeans_farthest_rank(index_column, squared_distance) %}
    {{- return(adapter.dispatch('kmeans_farthest_rank',
        'customer_segmentation')(index_column, squared_distance)) -}}
{% endmacro %}

{% macro default__kmeans_farthest_rank(index_column, squared_distance) %}
        row_number() over (
            order by {{ squared_distance }} desc, {{ index_column }} asc
        ) as farthest_rank,
{%- endmacro %}

{% macro duckdb__kmeans_farthest_rank(index_column, squared_distance) %}
{%- endmacro %}
