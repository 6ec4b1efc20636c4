{# var lookback_days, checked: none (all history) or a whole number of days >= 1. #}
{% macro lookback_days_var() %}
    {%- set value = var('lookback_days') -%}
    {%- if value is none or value == '' -%}
        {{- return(none) -}}
    {%- endif -%}
    {%- if value is not number or value != value | int or value < 1 -%}
        {{ exceptions.raise_compiler_error(
            "var lookback_days is '" ~ value ~ "': use a whole number of "
            ~ "days (1 or more), or null to count all history."
        ) }}
    {%- endif -%}
    {{- return(value | int) -}}
{% endmacro %}
