{#
    The smallest of the columns `distance_0` .. `distance_<k-1>`: the
    squared distance to the nearest centroid (least() needs two arguments
    on Spark, hence the k = 1 case).
#}
{% macro kmeans_min_distance(k, relation_alias=none) %}
    {%- set prefix = relation_alias ~ '.' if relation_alias else '' -%}
    {%- if k == 1 -%}
        {{ prefix }}distance_0
    {%- else -%}
        least(
            {%- for j in range(k) %}
            {{ prefix }}distance_{{ j }}{{ ',' if not loop.last }}
            {%- endfor %}
        )
    {%- endif -%}
{% endmacro %}
