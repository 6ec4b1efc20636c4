{#
    The input's own text for a value, kept only when the input stores that
    column as text: it is what the quarantine shows for a value that did not
    parse. Typed columns cannot fail to parse, so they keep nothing.
#}
{% macro text_or_null(column, found, input_column) %}
    {%- if column is not none and (found.get(input_column, 'VARCHAR') | upper) == 'VARCHAR' -%}
        cast({{ column }} as {{ dbt.type_string() }})
    {%- else -%}
        cast(null as {{ dbt.type_string() }})
    {%- endif -%}
{%- endmacro %}
