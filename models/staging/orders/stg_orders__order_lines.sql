-- Every raw order line of every input in var order_inputs, renamed and typed,
-- one row per line: nothing is filtered here, so quarantine and reconciliation
-- downstream can account for each line. How each input was read is in the
-- mart input_reading_log.
-- depends_on: {{ source('orders', 'order_lines') }}
with

raw_order_lines as (

    {{ union_order_inputs() }}

),

final as (

    select
        -- A number, not text: this key is joined and tested on every line.
        source_position * 1000000000000 + source_line_number as order_line_id,
        source_name,
        source_file,
        customer_id,
        order_id,
        product_id,
        line_number,
        line_key,
        country,
        currency,
        email,
        phone,
        ordered_at_text,
        quantity_text,
        unit_price_text,
        line_amount_text,
        source_position,
        source_line_number,
        quantity,
        coalesce(unit_price, abs(line_amount / nullif(quantity, 0)))
            as unit_price,
        coalesce(line_amount, quantity * unit_price) as line_amount,
        has_marketing_consent,
        is_return_flagged,
        ordered_at
    from raw_order_lines

)

select * from final
