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

line_hashes as (

    -- Identical lines (the two UCI files share nine days; each file also
    -- repeats some lines) count once: the first copy in input order, which
    -- has the lowest order_line_id. A hash of the whole line finds the few
    -- candidates cheaply; the exact comparison below settles them, so a
    -- hash collision can never make two different lines duplicates.
    select
        order_line_id,
        {{ row_hash([
            'customer_id', 'order_id', 'product_id', 'country', 'currency',
            'ordered_at', 'quantity', 'unit_price', 'line_amount'
        ]) }} as line_hash
    from order_lines

),

repeated_hashes as (

    select line_hash
    from line_hashes
    group by line_hash
    having count(*) > 1

),

candidate_lines as (

    select order_lines.*
    from order_lines
    inner join line_hashes
        on order_lines.order_line_id = line_hashes.order_line_id
    inner join repeated_hashes
        on line_hashes.line_hash = repeated_hashes.line_hash

),

exact_copies as (

    select
        order_line_id,
        min(order_line_id) over (
            partition by
                customer_id,
                order_id,
                product_id,
                country,
                currency,
                ordered_at,
                quantity,
                unit_price,
                line_amount
        ) as first_copy_line_id
    from candidate_lines

),

repeated_copies as (

    select
        order_line_id,
        first_copy_line_id
    from exact_copies
    where order_line_id != first_copy_line_id

),

marked_copies as (

    select
        order_lines.*,
        as_of_dates.as_of_date,
        repeated_copies.first_copy_line_id as duplicate_of_order_line_id
    from order_lines
    cross join as_of_dates
    left join repeated_copies
        on order_lines.order_line_id = repeated_copies.order_line_id

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
            when duplicate_of_order_line_id is not null then 'duplicate_line'
        end as quarantine_reason,
        source_position,
        source_line_number,
        duplicate_of_order_line_id,
        quantity,
        unit_price,
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
