{#
    A customer or order id as trimmed text, with the `.0` that a float
    column adds to whole numbers removed (17850.0 and '17850' are one
    customer), and empty or blank ids as null. Case is kept: ids are
    compared exactly.
#}
{% macro normalize_id(column) %}
    {%- if column is none -%}
        cast(null as {{ dbt.type_string() }})
    {%- else -%}
        nullif(regexp_replace(trim(cast({{ column }} as {{ dbt.type_string() }})), '\.0+$', ''), '')
    {%- endif -%}
{%- endmacro %}
