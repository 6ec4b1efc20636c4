{#
    The input's real columns, {name: type}, read from the data itself. Fails
    with a message naming the var to fix when the path matches no file, the
    input has no rows, or a mapped column is missing. Rewrites `mapping` in
    place: names as the input spells them, and none for optional columns it
    does not have. Before execution (while dbt parses) nothing can be read,
    so the map is taken as given.
#}
{% macro order_input_columns(order_input, label, mapping) %}
    {%- if not execute -%}
        {{- return({}) -}}
    {%- endif -%}
    {%- set fix = " Fix var order_inputs (" ~ label ~ ")." -%}
    {%- if order_input.get('path') is not none -%}
        {%- set files = run_query(
            "select count(*) from glob(" ~ order_input_paths_sql(order_input) ~ ")"
        ).columns[0].values()[0] -%}
        {%- if files == 0 -%}
            {{ exceptions.raise_compiler_error(
                label ~ ": no file matches path '" ~ order_input['path']
                ~ "' (relative paths start at the folder dbt runs in)." ~ fix
            ) }}
        {%- endif -%}
    {%- endif -%}
    {%- set described = run_query(
        "describe select * from " ~ order_input_relation(order_input)
    ) -%}
    {%- set found = {} -%}
    {%- set by_lower = {} -%}
    {%- for row in described.rows -%}
        {%- do found.update({row[0]: row[1]}) -%}
        {%- do by_lower.update({row[0] | lower: row[0]}) -%}
    {%- endfor -%}
    {%- set required = ['customer_id', 'order_id', 'ordered_at', 'quantity'] -%}
    {%- for canonical in mapping.keys() | list -%}
        {%- set wanted = mapping[canonical] -%}
        {%- set given = canonical in (order_input.get('columns') or {}) -%}
        {%- if wanted is not none and (wanted | lower) in by_lower -%}
            {%- do mapping.update({canonical: by_lower[wanted | lower]}) -%}
        {%- elif canonical in required or given -%}
            {{ exceptions.raise_compiler_error(
                label ~ ": column '" ~ wanted ~ "' (mapped to " ~ canonical
                ~ ") is not in the input. Its columns are: "
                ~ found.keys() | list | join(', ') ~ "."
                ~ " Fix var order_inputs columns." ~ canonical ~ " ("
                ~ label ~ ")."
            ) }}
        {%- else -%}
            {%- do mapping.update({canonical: none}) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- if mapping['unit_price'] is none and mapping['line_amount'] is none -%}
        {{ exceptions.raise_compiler_error(
            label ~ ": neither unit_price nor line_amount is in the input; "
            ~ "map one of them. Its columns are: "
            ~ found.keys() | list | join(', ') ~ "." ~ fix
        ) }}
    {%- endif -%}
    {%- set rows = run_query(
        "select count(*) from " ~ order_input_relation(order_input)
    ).columns[0].values()[0] -%}
    {%- if rows == 0 -%}
        {{ exceptions.raise_compiler_error(
            label ~ ": the input has no rows, so there is nothing to segment. "
            ~ "Point var order_inputs at the order lines (" ~ label ~ ")."
        ) }}
    {%- endif -%}
    {{- return(found) -}}
{% endmacro %}
