{#
    What to select from for one input: a table function over its files, or
    the relation it names. CSV is read as text throughout so that one odd
    value (text in an amount) becomes a quarantined line instead of a failed
    load; the models parse each column themselves.
#}
{% macro order_input_relation(order_input) %}
    {{- return(adapter.dispatch('order_input_relation', 'customer_segmentation')(
        order_input
    )) -}}
{% endmacro %}

{% macro default__order_input_relation(order_input) %}
    {%- if order_input.get('relation') is not none -%}
        {{- return(order_input['relation']) -}}
    {%- endif -%}
    {{- return(order_input_format(order_input) ~ ".`"
        ~ order_input['path'] ~ "`") -}}
{% endmacro %}

{% macro duckdb__order_input_relation(order_input) %}
    {%- if order_input.get('relation') is not none -%}
        {{- return(order_input['relation']) -}}
    {%- endif -%}
    {%- set paths = order_input_paths_sql(order_input) -%}
    {%- if order_input_format(order_input) == 'csv' -%}
        {{- return("read_csv(" ~ paths ~ ", all_varchar = true)") -}}
    {%- endif -%}
    {{- return("read_parquet(" ~ paths ~ ")") -}}
{% endmacro %}
