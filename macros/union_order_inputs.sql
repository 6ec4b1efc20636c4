{#
    Every input listed in var order_inputs, read and renamed to the project's
    column names, one `select` per input glued with `union all`. Checks each
    input before reading it, so a wrong path, a missing column or an empty
    file stops the build with a message that names the var to fix.
#}
{% macro union_order_inputs() %}
    {%- set inputs = var('order_inputs') -%}
    {%- if inputs is string or inputs is mapping or inputs | length == 0 -%}
        {{ exceptions.raise_compiler_error(
            "var order_inputs must be a non-empty list of inputs, each with "
            ~ "a name, a path or a relation, and a column map; got: "
            ~ inputs
        ) }}
    {%- endif -%}
    {%- for order_input in inputs %}
        {{ order_input_select(order_input, loop.index) }}
        {%- if not loop.last %}
    union all
        {%- endif %}
    {%- endfor %}
{% endmacro %}
