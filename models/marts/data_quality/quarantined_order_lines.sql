-- Every raw order line that is bad data, with the reason: nothing is dropped
-- silently. Lines dated after the as-of date are not here: they are outside
-- the window, not bad (order_line_reconciliation counts them). Where the
-- input stored a value as text, its original text is kept so a person can
-- see what did not parse. A refresh (var refresh_from_stored) adds the
-- lines it reads, the stored ones keep their reasons.
{{ appended_lines_config() }}

with

validated_order_lines as (

    select * from {{ ref('int_order_lines_validated') }}

),

order_lines as (

    select * from {{ ref('stg_orders__new_order_lines') }}

),

rejected_order_lines as (

    select
        order_line_id,
        quarantine_reason,
        duplicate_of_order_line_id,
        is_return
    from validated_order_lines
    where line_status = 'quarantined'

),

final as (

    select
        order_lines.order_line_id,
        order_lines.source_name,
        order_lines.source_file,
        rejected_order_lines.quarantine_reason,
        order_lines.customer_id,
        order_lines.order_id,
        order_lines.product_id,
        order_lines.line_number,
        order_lines.country,
        order_lines.currency,
        order_lines.ordered_at_text,
        order_lines.quantity_text,
        order_lines.unit_price_text,
        order_lines.line_amount_text,
        order_lines.source_line_number,
        rejected_order_lines.duplicate_of_order_line_id,
        order_lines.quantity,
        order_lines.unit_price,
        order_lines.line_amount,
        rejected_order_lines.is_return,
        order_lines.ordered_at
    from rejected_order_lines
    inner join order_lines
        on rejected_order_lines.order_line_id = order_lines.order_line_id

)

select * from final
