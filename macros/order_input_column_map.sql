{#
    The input's column for each of the project's columns: the `columns` map
    of the input, falling back to the project's own name. Optional columns
    that the input lacks map to none; required ones fail the build in
    order_input_columns once the input's real columns are known. email,
    phone and consent are the optional contact columns read by the
    audiences (README "Audiences").
#}
{% macro order_input_column_map(order_input, label) %}
    {%- set allowed = [
        'customer_id', 'order_id', 'ordered_at', 'quantity', 'unit_price',
        'line_amount', 'product_id', 'country', 'currency', 'email', 'phone',
        'consent'
    ] -%}
    {%- set given = order_input.get('columns') or {} -%}
    {%- for key in given -%}
        {%- if key not in allowed -%}
            {{ exceptions.raise_compiler_error(
                label ~ ": unknown key '" ~ key ~ "' in its columns map "
                ~ "(var order_inputs). Known keys: " ~ allowed | join(', ')
            ) }}
        {%- endif -%}
    {%- endfor -%}
    {%- set mapping = {} -%}
    {%- for key in allowed -%}
        {%- do mapping.update({key: given.get(key, key)}) -%}
    {%- endfor -%}
    {{- return(mapping) -}}
{% endmacro %}
