-- One row per order (a customer's order id): what it bought, what it returned
-- and when. Cancellation invoices are orders with return lines only.
-- A refresh (var refresh_from_stored) recomputes the orders its new lines
-- belong to, from all their lines, and keeps the others.
-- depends_on: {{ ref('stg_orders__new_order_lines') }}
{{ config(
    materialized='incremental',
    incremental_strategy=(
        'delete+insert' if target.type == 'duckdb' else 'append'
    ),
    unique_key=['customer_id', 'order_id'],
) }}

with

order_lines as (

    select * from {{ ref('int_order_lines_cleaned') }}

),
{%- if is_incremental() %}

new_order_lines as (

    select * from {{ ref('stg_orders__new_order_lines') }}

),

refreshed_orders as (

    select distinct
        customer_id,
        order_id
    from new_order_lines

),

refreshed_order_lines as (

    select order_lines.*
    from order_lines
    inner join refreshed_orders
        on
            order_lines.customer_id = refreshed_orders.customer_id
            and order_lines.order_id = refreshed_orders.order_id

),
{%- endif %}

aggregated as (

    select
        customer_id,
        order_id,
        count(*) as order_lines,
        cast(sum(case when is_return then 0 else 1 end) as bigint)
            as purchase_lines,
        cast(sum(case when is_return then 1 else 0 end) as bigint)
            as return_lines,
        sum(case when is_return then 0 else net_amount end) as gross_revenue,
        sum(case when is_return then -net_amount else 0 end)
            as returned_amount,
        sum(net_amount) as net_revenue,
        min(ordered_at) as first_line_at,
        max(ordered_at) as last_line_at,
        min(case when not is_return then ordered_at end) as first_purchase_at,
        max(case when not is_return then ordered_at end) as last_purchase_at
    from {{ 'refreshed_order_lines' if is_incremental() else 'order_lines' }}
    group by customer_id, order_id

),

final as (

    select
        customer_id,
        order_id,
        order_lines,
        purchase_lines,
        return_lines,
        gross_revenue,
        returned_amount,
        net_revenue,
        purchase_lines > 0 as is_purchase,
        first_line_at,
        last_line_at,
        first_purchase_at,
        last_purchase_at
    from aggregated

)

select * from final
