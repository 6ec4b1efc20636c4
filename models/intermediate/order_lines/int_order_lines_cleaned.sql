-- The order lines that count: every raw line dated before the as-of date
-- with no quarantine reason, in the reporting currency. Purchases and returns
-- both; returns carry a negative net_amount.
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
    where line_status = 'clean'

)

select * from final
