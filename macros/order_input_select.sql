{#
    One input of var order_inputs as order lines with the project's column
    names. Values are cast with try_cast, never cast: a value that does not
    parse becomes null here and a quarantine reason downstream, instead of
    failing the whole load. `position` is the input's 1-based place in the
    list; it breaks ties between inputs (the earlier input wins).
#}
{% macro order_input_select(order_input, position) %}
    {%- set label = order_input_label(order_input, position) -%}
    {%- set mapping = order_input_column_map(order_input, label) -%}
    {%- set found = order_input_columns(order_input, label, mapping) -%}
    {%- set ns = namespace(exprs={}) -%}
    {%- for canonical, column in mapping.items() -%}
        {%- if column is none -%}
            {%- do ns.exprs.update({canonical: none}) -%}
        {%- else -%}
            {%- do ns.exprs.update({canonical: adapter.quote(column)}) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- set e = ns.exprs -%}
    {%- set ts_type = found.get(mapping['ordered_at'], 'VARCHAR') | upper -%}
    select
        '{{ order_input["name"] }}' as source_name,
        {{ position }} as source_position,
        {{ order_input_line_number(order_input, mapping) }}
            as source_line_number,
        {{ normalize_id(e['customer_id'], found.get(mapping['customer_id'], 'VARCHAR')) }}
            as customer_id,
        {{ normalize_id(e['order_id'], found.get(mapping['order_id'], 'VARCHAR')) }}
            as order_id,
        {{ clean_text(e['product_id']) }} as product_id,
        {{ clean_text(e['country']) }} as country,
        {{ clean_text(e['currency']) }} as currency,
        {#- Contact columns (optional): raw here, hashed for the audiences. #}
        {{ clean_text(e['email']) }} as email,
        {{ clean_text(e['phone']) }} as phone,
        {{ parse_consent(e['consent'], found.get(mapping['consent'], 'VARCHAR')) }}
            as has_marketing_consent,
        {{ text_or_null(e['ordered_at'], found, mapping['ordered_at']) }}
            as ordered_at_text,
        {{ text_or_null(e['quantity'], found, mapping['quantity']) }}
            as quantity_text,
        {{ text_or_null(e['unit_price'], found, mapping['unit_price']) }}
            as unit_price_text,
        {{ to_double(e['quantity']) }} as quantity,
        {{ to_double(e['unit_price']) }} as unit_price,
        {{ to_double(e['line_amount']) }} as line_amount,
        {%- if ts_type == 'TIMESTAMP WITH TIME ZONE' %}
        {#- In UTC, whatever the session's time zone: a plain cast would give
            the local time of the machine dbt runs on. #}
        timezone('UTC', {{ e['ordered_at'] }}) as ordered_at
        {%- elif ts_type.startswith('TIMESTAMP') or ts_type == 'DATE' %}
        cast({{ e['ordered_at'] }} as timestamp) as ordered_at
        {%- else %}
        {{ parse_timestamp(e['ordered_at']) }} as ordered_at
        {%- endif %}
    from {{ order_input_relation(order_input) }}
{% endmacro %}
