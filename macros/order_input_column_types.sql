{#
    The input's columns as {name: type}, read from the data itself, with
    types spelt as DuckDB spells them (VARCHAR, BIGINT, DOUBLE, TIMESTAMP,
    DECIMAL(18,2), ...), so the checks and casts that read them are written
    once for every engine.
#}
{% macro order_input_column_types(order_input) %}
    {{- return(adapter.dispatch('order_input_column_types', 'customer_segmentation')(
        order_input
    )) -}}
{% endmacro %}

{% macro default__order_input_column_types(order_input) %}
    {%- set described = run_query(
        "describe select * from " ~ order_input_relation(order_input)
    ) -%}
    {%- set found = {} -%}
    {%- for row in described.rows -%}
        {%- do found.update({row[0]: row[1] | upper}) -%}
    {%- endfor -%}
    {{- return(found) -}}
{% endmacro %}

{% macro duckdb__order_input_column_types(order_input) %}
    {{- return(default__order_input_column_types(order_input)) -}}
{% endmacro %}

{% macro spark__order_input_column_types(order_input) %}
    {%- set described = run_query(
        "describe query select * from " ~ order_input_relation(order_input)
    ) -%}
    {%- set duckdb_names = {
        'string': 'VARCHAR', 'tinyint': 'TINYINT', 'smallint': 'SMALLINT',
        'int': 'INTEGER', 'integer': 'INTEGER', 'bigint': 'BIGINT',
        'float': 'FLOAT', 'double': 'DOUBLE', 'boolean': 'BOOLEAN',
        'date': 'DATE', 'timestamp': 'TIMESTAMP',
        'timestamp_ntz': 'TIMESTAMP', 'binary': 'BLOB'
    } -%}
    {%- set found = {} -%}
    {%- for row in described.rows -%}
        {%- set spark_type = row[1] | lower -%}
        {%- if spark_type.startswith('varchar') or spark_type.startswith('char') -%}
            {%- set spark_type = 'string' -%}
        {%- endif -%}
        {%- do found.update({
            row[0]: duckdb_names.get(spark_type, spark_type | upper)
        }) -%}
    {%- endfor -%}
    {{- return(found) -}}
{% endmacro %}
