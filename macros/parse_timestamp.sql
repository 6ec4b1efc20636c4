{#
    A text timestamp parsed with the formats in var timestamp_formats, tried
    in order; null when none fits (the line is then quarantined as
    unparseable_timestamp).
#}
{% macro parse_timestamp(column) %}
    {{- return(adapter.dispatch('parse_timestamp', 'customer_segmentation')(column)) -}}
{% endmacro %}

{% macro default__parse_timestamp(column) %}
    try_cast(trim(cast({{ column }} as string)) as timestamp)
{%- endmacro %}

{% macro duckdb__parse_timestamp(column) %}
    {%- set formats = var('timestamp_formats') -%}
    {%- set quoted = [] -%}
    {%- for format in formats -%}
        {%- do quoted.append("'" ~ format | replace("'", "''") ~ "'") -%}
    {%- endfor -%}
    try_strptime(trim(cast({{ column }} as varchar)), [{{ quoted | join(', ') }}])
{%- endmacro %}
