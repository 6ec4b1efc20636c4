{#
    A contact value (email, phone) with white space cut from both ends, as
    the platforms' rules ask before hashing. DuckDB cuts space, tab, line
    feed and carriage return; Spark's trim() takes no list of characters,
    so there trim_whitespace cuts them, with the wider set it trims ids of.
#}
{% macro trim_contact(expression) %}
    {{- return(adapter.dispatch('trim_contact', 'customer_segmentation')(
        expression
    )) -}}
{% endmacro %}

{% macro default__trim_contact(expression) %}
    {{ exceptions.raise_compiler_error(
        "trim_contact (normalize_email, normalize_phone) has no "
        ~ "implementation for " ~ target.type ~ " yet: add "
        ~ "<adapter>__trim_contact next to duckdb__trim_contact."
    ) }}
{%- endmacro %}

{% macro duckdb__trim_contact(expression) %}
    trim({{ expression }}, chr(32) || chr(9) || chr(10) || chr(13))
{%- endmacro %}

{% macro spark__trim_contact(expression) %}
    {{ trim_whitespace(expression) }}
{%- endmacro %}
