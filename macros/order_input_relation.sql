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

{#- Spark reads Parquet through its own path syntax, which takes one path
    or glob. Its CSV reader has no header option in this syntax, and a list
    of files has no SQL form: both stop the build with the fix. #}
{% macro spark__order_input_relation(order_input) %}
    {%- if order_input.get('relation') is not none -%}
        {{- return(order_input['relation']) -}}
    {%- endif -%}
    {%- set label = "order_inputs '" ~ order_input['name'] ~ "'" -%}
    {%- if order_input_format(order_input) == 'csv' -%}
        {{ exceptions.raise_compiler_error(
            label ~ ": CSV inputs are read on DuckDB only; on Spark, convert "
            ~ "the file to Parquet or load it into a table and give its "
            ~ "`relation` (var order_inputs)."
        ) }}
    {%- endif -%}
    {%- if order_input['path'] is not string -%}
        {{ exceptions.raise_compiler_error(
            label ~ ": on Spark `path` takes one file or a glob "
            ~ "(data/orders_*.parquet), not a list (var order_inputs)."
        ) }}
    {%- endif -%}
    {{- return("parquet.`" ~ order_input['path'] | replace('`', '``') ~ "`") -}}
{% endmacro %}
