{# Optional text attribute, trimmed, with blanks as null; null when unmapped. #}
{% macro clean_text(column) %}
    {%- if column is none -%}
        cast(null as {{ dbt.type_string() }})
    {%- else -%}
        nullif(trim(cast({{ column }} as {{ dbt.type_string() }})), '')
    {%- endif -%}
{%- endmacro %}
