{#
    One column `distance_<j>` per centroid j in 0..k-1: the squared
    Euclidean distance from the point to centroid j, summed feature by
    feature as sum((x - c)^2), the exact form (no expansion), so both
    engines compute it the same way. Centroid columns are named
    `centroid_<j>_<feature>`.
#}
{% macro kmeans_squared_distances(features, k, point_alias, centroid_alias) %}
    {%- for j in range(k) %}
        {%- set terms = [] -%}
        {%- for feature in features -%}
            {%- set diff = '(' ~ point_alias ~ '.' ~ feature.name ~ ' - '
                ~ centroid_alias ~ '.centroid_' ~ j ~ '_' ~ feature.name ~ ')' -%}
            {%- do terms.append(diff ~ ' * ' ~ diff) -%}
        {%- endfor %}
        {{ terms | join('\n            + ') }} as distance_{{ j }}
        {{- ',' if not loop.last }}
    {%- endfor -%}
{% endmacro %}
