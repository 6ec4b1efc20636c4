-- The raw order lines that repeat an earlier line exactly (the two UCI files
-- share nine days; each file also repeats some lines), each with the line it
-- repeats. The first copy in input order, the lowest order_line_id, is the
-- one that counts. Only lines with a line key (by default the product id
-- and line number; an input's line_key option) are compared: without one,
-- two lines alike in every other column may be two products at the same
-- price, so none is a duplicate. Only
-- repeats are stored: a handful of rows, where a flag on every line would
-- mean writing a row per raw line.
with

order_lines as (

    select * from {{ ref('stg_orders__order_lines') }}

),

line_hashes as (

    -- A hash of the whole line finds the few candidates cheaply; the exact
    -- comparison below settles them, so a hash collision can never make two
    -- different lines duplicates.
    select
        order_line_id,
        {{ row_hash([
            'customer_id', 'order_id', 'line_key', 'country', 'currency',
            'ordered_at', 'quantity', 'unit_price', 'line_amount'
        ]) }} as line_hash
    from order_lines
    where line_key is not null

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
                line_key,
                country,
                currency,
                ordered_at,
                quantity,
                unit_price,
                line_amount
        ) as first_copy_line_id
    from candidate_lines

),

final as (

    select
        order_line_id,
        first_copy_line_id as duplicate_of_order_line_id
    from exact_copies
    where order_line_id != first_copy_line_id

)

select * from final
