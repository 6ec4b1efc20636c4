{#
    The SQL of one feature transform of segmentation.clustering.features:
    none, log1p = ln(1 + x), signed_log1p = sign(x) * ln(1 + |x|). `auto`
    is decided per build from the data, so it takes `use_log1p`, a boolean
    SQL expression that says whether log1p applies.
#}
{% macro kmeans_feature_transform(expression, transform, use_log1p=none) %}
    {%- if transform == 'log1p' -%}
        ln(1 + {{ expression }})
    {%- elif transform == 'signed_log1p' -%}
        sign({{ expression }}) * ln(1 + abs({{ expression }}))
    {%- elif transform == 'auto' -%}
        case
            when {{ use_log1p }} then ln(1 + {{ expression }})
            else {{ expression }}
        end
    {%- else -%}
        {{ expression }}
    {%- endif -%}
{% endmacro %}
