{#
    Whether any input of var order_inputs has the project column
    `canonical` (e.g. 'consent'): mapped in its `columns`, or present under
    the project's own name. Reads only the inputs' column names (DuckDB's
    describe); the staging model checks their types. Before execution
    (while dbt parses) nothing can be read, and the answer is false.
#}
{% macro order_inputs_have_column(canonical) %}
    {%- if not execute -%}
        {{- return(false) -}}
    {%- endif -%}
    {%- for order_input in var('order_inputs') -%}
        {%- set label = order_input_label(order_input, loop.index) -%}
        {%- set mapping = order_input_column_map(order_input, label) -%}
        {%- set described = run_query(
            "describe select * from " ~ order_input_relation(order_input)
        ) -%}
        {%- for row in described.rows -%}
            {%- if (row[0] | lower) == (mapping[canonical] | lower) -%}
                {{- return(true) -}}
            {%- endif -%}
        {%- endfor -%}
    {%- endfor -%}
    {{- return(false) -}}
{% endmacro %}
