-- Every raw order line that does not count, with the reason: nothing is
-- dropped silently. Where the input stored a value as text, its original
-- text is kept so a person can see what did not parse.
with

validated_order_lines as (

    select * from {{ ref('int_order_lines_validated') }}

),

final as (

    select
        order_line_id,
        source_name,
        quarantine_reason,
        customer_id,
        order_id,
        product_id,
        country,
        currency,
        ordered_at_text,
        quantity_text,
        unit_price_text,
        source_line_number,
        duplicate_of_order_line_id,
        quantity,
        unit_price,
        line_amount,
        is_return,
        ordered_at
    from validated_order_lines
    where quarantine_reason is not null

)

select * from final
