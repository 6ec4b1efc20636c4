-- Every raw order line with the one reason it cannot be used (null when it
-- can), checked in a fixed order so each line gets exactly one reason, and
-- whether it is a purchase or a return. One row per raw line. A table, the
-- only one with a row per raw line: the orders, the quarantine and the line
-- tests all read it, and each would otherwise redo the duplicate join and the
-- checks (at 10M lines, writing it once costs less than two such reads).
{%- set prefix = var('return_order_prefix') %}

with

order_lines as (

    select * from {{ ref('stg_orders__order_lines') }}

),

as_of_dates as (

    select * from {{ ref('int_as_of_dates_resolved') }}

),

duplicate_order_lines as (

    select * from {{ ref('int_order_lines_duplicated') }}

),

marked_copies as (

    select
        order_lines.*,
        as_of_dates.as_of_date,
        duplicate_order_lines.duplicate_of_order_line_id
    from order_lines
    cross join as_of_dates
    left join duplicate_order_lines
        on order_lines.order_line_id = duplicate_order_lines.order_line_id

),

classified as (

    select
        order_line_id,
        source_name,
        customer_id,
        order_id,
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
            -- A purchase with a negative line amount has a negative price;
            -- staging's amount / quantity is unsigned, so that returns may
            -- give their amount either sign.
            when
                quantity > 0
                and line_amount < 0
                and substr(order_id, 1, {{ prefix | length }}) != '{{ prefix }}'
                then 'non_positive_unit_price'
            -- Beyond any real order line, and beyond what the exact
            -- decimal sums below can hold.
            when abs(line_amount) >= 1e12 then 'amount_out_of_range'
            when duplicate_of_order_line_id is not null then 'duplicate_line'
        end as quarantine_reason,
        duplicate_of_order_line_id,
        line_amount,
        coalesce(
            quantity < 0
            or substr(order_id, 1, {{ prefix | length }}) = '{{ prefix }}',
            false
        ) as is_return,
        ordered_at
    from marked_copies

),

final as (

    -- Only what the models downstream need: this table has a row per raw
    -- line, and every column costs time to write. The quarantine takes the
    -- rest of a rejected line from staging.
    select
        order_line_id,
        source_name,
        customer_id,
        order_id,
        quarantine_reason,
        duplicate_of_order_line_id,
        is_return,
        -- Returns reduce revenue whatever sign the input gave them. Amounts
        -- are exact decimals so that sums do not depend on the order
        -- threads add them in (float sums do, and would move ties).
        case
            when quarantine_reason is not null then null
            when is_return
                then -cast(round(abs(line_amount), 4) as decimal(18, 4))
            else cast(round(abs(line_amount), 4) as decimal(18, 4))
        end as net_amount,
        ordered_at
    from classified

)

select * from final
