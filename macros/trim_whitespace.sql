{#
    Text with spaces, tabs and line breaks cut from both ends (plain trim()
    cuts spaces only). DuckDB spells it trim(text, characters); Spark reads
    two arguments the other way round, so it gets the SQL-standard form.
#}
{% macro trim_whitespace(column) %}
    {{- return(adapter.dispatch('trim_whitespace', 'customer_segmentation')(column)) -}}
{% endmacro %}

{% macro default__trim_whitespace(column) %}
    trim(both chr(32) || chr(9) || chr(10) || chr(13) from {{ column }})
{%- endmacro %}

{% macro duckdb__trim_whitespace(column) %}
    trim({{ column }}, chr(32) || chr(9) || chr(10) || chr(13))
{%- endmacro %}

{% macro spark__trim_whitespace(column) %}
    {{ default__trim_whitespace(column) }}
{%- endmacro %}
