{#
    The index of the nearest centroid given the columns `distance_0` ..
    `distance_<k-1>` (kmeans_squared_distances): the lowest index on exact
    ties, as segmentation.clustering.distances.assign_nearest does. Centroid
    j wins when it is at most as far as every later centroid: the earlier
    branches have already failed, so some later centroid beat each earlier
    one.
#}
{% macro kmeans_nearest_centroid(k, relation_alias=none) %}
    {%- set prefix = relation_alias ~ '.' if relation_alias else '' -%}
    {%- if k == 1 -%}
        0
    {%- else -%}
        case
        {%- for j in range(k - 1) %}
            {%- set conditions = [] -%}
            {%- for m in range(j + 1, k) -%}
                {%- do conditions.append(prefix ~ 'distance_' ~ j ~ ' <= '
                    ~ prefix ~ 'distance_' ~ m) -%}
            {%- endfor %}
            when {{ conditions | join('\n                and ') }}
                then {{ j }}
        {%- endfor %}
            else {{ k - 1 }}
        end
    {%- endif -%}
{% endmacro %}
