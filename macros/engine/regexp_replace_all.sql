{#
    SQL that replaces every match of a regular expression in a text
    expression (`pattern` and `replacement` bare, without quotes). DuckDB
    replaces only the first match unless told 'g'; Spark replaces every
    match, with backslashes doubled for its string literals.
#}
{% macro regexp_replace_all(expression, pattern, replacement) %}
    {{- return(adapter.dispatch('regexp_replace_all', 'customer_segmentation')(
        expression, pattern, replacement
    )) -}}
{% endmacro %}

{% macro default__regexp_replace_all(expression, pattern, replacement) %}
    regexp_replace({{ expression }}, '{{ pattern | replace("'", "''")
        }}', '{{ replacement | replace("'", "''") }}')
{%- endmacro %}

{% macro duckdb__regexp_replace_all(expression, pattern, replacement) %}
    regexp_replace({{ expression }}, '{{ pattern | replace("'", "''")
        }}', '{{ replacement | replace("'", "''") }}', 'g')
{%- endmacro %}

{% macro spark__regexp_replace_all(expression, pattern, replacement) %}
    regexp_replace({{ expression }}, '{{ pattern | replace('\\', '\\\\')
        | replace("'", "\\'") }}', '{{ replacement | replace('\\', '\\\\')
        | replace("'", "\\'") }}')
{%- endmacro %}
