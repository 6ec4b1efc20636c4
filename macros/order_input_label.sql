{#
    How error messages name an input: "order_inputs[1] 'online_retail'".
    Also checks the entry's shape, so every later message can rely on it.
#}
{% macro order_input_label(order_input, position) %}
    {%- set label = "order_inputs[" ~ (position - 1) ~ "]" -%}
    {%- if order_input is not mapping -%}
        {{ exceptions.raise_compiler_error(
            label ~ " must be a mapping with name, path or relation, and "
            ~ "columns; got: " ~ order_input
        ) }}
    {%- endif -%}
    {%- if not order_input.get('name') -%}
        {{ exceptions.raise_compiler_error(
            label ~ " has no name: give it one (var order_inputs["
            ~ (position - 1) ~ "].name); it tags every line read from it."
        ) }}
    {%- endif -%}
    {%- if order_input['name'] is not string
        or not modules.re.match('^[A-Za-z0-9_.-]+$', order_input['name']) -%}
        {{ exceptions.raise_compiler_error(
            label ~ " name '" ~ order_input['name'] ~ "' may only use "
            ~ "letters, digits, '_', '.' and '-' (var order_inputs["
            ~ (position - 1) ~ "].name)."
        ) }}
    {%- endif -%}
    {%- set has_path = order_input.get('path') is not none -%}
    {%- set has_relation = order_input.get('relation') is not none -%}
    {%- if has_path == has_relation -%}
        {{ exceptions.raise_compiler_error(
            label ~ " '" ~ order_input['name'] ~ "' needs exactly one of "
            ~ "`path` (a Parquet/CSV file) or `relation` (a table or view); "
            ~ "fix var order_inputs[" ~ (position - 1) ~ "]."
        ) }}
    {%- endif -%}
    {{- return(label ~ " '" ~ order_input['name'] ~ "'") -}}
{% endmacro %}
