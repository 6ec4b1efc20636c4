-- Every raw order line with the one reason it cannot be used (null when it
-- can), checked in a fixed order so each line gets exactly one reason, and
-- whether it is a purchase or a return. One row per raw line.
{%- set prefix = var('return_order_prefix') %}

with

order_lines as (

    select * from {{ ref('stg_orders__order_lines') }}

),

as_of_dates as (

    select * from {{ ref('int_as_of_dates_resolved') }}

),

numbered_copies as (

    -- Identical lines (the two UCI files share nine days; each file also
    -- repeats some lines) count once: the first copy in input order is kept.
    select
        order_lines.*,
        as_of_dates.as_of_date,
        row_number() over (
            partition by
                order_lines.customer_id,
                order_lines.order_id,
                order_lines.product_id,
                order_lines.country,
                order_lines.currency,
                order_lines.ordered_at,
                order_lines.quantity,
                order_lines.unit_price,
                order_lines.line_amount
            order by
                order_lines.source_position,
                order_lines.source_line_number
        ) as copy_number
    from order_lines
    cross join as_of_dates

),

classified as (

    select
        order_line_id,
        source_name,
        customer_id,
        order_id,
        product_id,
        country,
        currency,
        ordered_at_text,
        quantity_text,
        unit_price_text,
        case
            when customer_id is null then 'missing_customer_id'
            when order_id is null then 'missing_order_id'
            when ordered_at is null then 'unparseable_timestamp'
            when
                ordered_at
                < cast('{{ var("min_order_date") }}' as timestamp)
                then 'timestamp_before_min_order_date'
            when ordered_at >= as_of_date then 'after_as_of_date'
            when quantity is null then 'unparseable_quantity'
            when quantity = 0 then 'zero_quantity'
            when unit_price is null then 'unparseable_amount'
            when unit_price <= 0 then 'non_positive_unit_price'
            -- Beyond any real order line, and beyond what the exact
            -- decimal sums below can hold.
            when abs(line_amount) >= 1e12 then 'amount_out_of_range'
            when copy_number > 1 then 'duplicate_line'
        end as quarantine_reason,
        source_position,
        source_line_number,
        copy_number,
        quantity,
        unit_price,
        line_amount,
        coalesce(
            quantity < 0
            or substr(order_id, 1, {{ prefix | length }}) = '{{ prefix }}',
            false
        ) as is_return,
        ordered_at
    from numbered_copies

),

final as (

    select
        *,
        -- Returns reduce revenue whatever sign the input gave them. Amounts
        -- are exact decimals so that sums do not depend on the order
        -- threads add them in (float sums do, and would move ties).
        case
            when quarantine_reason is not null then null
            when is_return
                then -cast(round(abs(line_amount), 4) as decimal(18, 4))
            else cast(round(abs(line_amount), 4) as decimal(18, 4))
        end as net_amount
    from classified

)

select * from final
