-- The order lines that count: every raw line with no quarantine reason.
-- Purchases and returns both; returns carry a negative net_amount.
{{ config(materialized='view') }}

with

validated_order_lines as (

    select * from {{ ref('int_order_lines_validated') }}

),

final as (

    select
        order_line_id,
        source_name,
        customer_id,
        order_id,
        net_amount,
        is_return,
        ordered_at
    from validated_order_lines
    where quarantine_reason is null

)

select * from final
