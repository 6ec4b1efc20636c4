{#
    SQL that is true when the whole of a text expression matches a regular
    expression (`pattern` is the bare pattern, without quotes). DuckDB has
    regexp_full_match; elsewhere the pattern is anchored for rlike, with
    backslashes doubled for Spark's string literals.
#}
{% macro full_match(expression, pattern) %}
    {{- return(adapter.dispatch('full_match', 'customer_segmentation')(
        expression, pattern
    )) -}}
{% endmacro %}

{% macro default__full_match(expression, pattern) %}
    {{ expression }} rlike '^(?:{{ pattern | replace("'", "''") }})$'
{%- endmacro %}

{% macro duckdb__full_match(expression, pattern) %}
    regexp_full_match({{ expression }}, '{{ pattern | replace("'", "''") }}')
{%- endmacro %}

{% macro spark__full_match(expression, pattern) %}
    {{ expression }} rlike '^(?:{{ pattern | replace('\\', '\\\\') | replace("'", "\\'") }})$'
{%- endmacro %}
