{#
    Whether any input of var order_inputs has the project column
    `canonical` (e.g. 'consent'): mapped in its `columns`, or present under
    the project's own name. Reads the inputs the way staging does
    (order_input_reading), without its checks of every line. Before
    execution (while dbt parses) nothing can be read, and the answer is
    false.
#}
{% macro order_inputs_have_column(canonical) %}
    {%- if not execute -%}
        {{- return(false) -}}
    {%- endif -%}
    {%- for order_input in var('order_inputs') -%}
        {%- set decided = order_input_reading(order_input, loop.index, true) -%}
        {%- if canonical in decided['mapping'] -%}
            {{- return(true) -}}
        {%- endif -%}
    {%- endfor -%}
    {{- return(false) -}}
{% endmacro %}
