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

{#- DuckDB's trim with a character list costs about 200 ns a value, six times
    plain trim: on every id of every order line that was most of staging's
    time. Almost no value needs it, so a cheap look at both ends comes first;
    every character trimmed sorts at or below a space. #}
{% macro duckdb__trim_whitespace(column) %}
    case
        when left({{ column }}, 1) <= ' ' or right({{ column }}, 1) <= ' '
            then trim({{ column }}, chr(32) || chr(9) || chr(10) || chr(13))
        else {{ column }}
    end
{%- endmacro %}

{% macro spark__trim_whitespace(column) %}
    {{ default__trim_whitespace(column) }}
{%- endmacro %}
