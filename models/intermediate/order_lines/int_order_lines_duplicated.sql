-- The raw order lines that repeat an earlier line exactly (the two UCI files
-- share nine days; each file also repeats some lines), each with the line it
-- repeats. The first copy in input order, the lowest order_line_id, is the
-- one that counts. Only lines with a line key (by default the product id
-- and line number; an input's line_key option) are compared: without one,
-- two lines alike in every other column may be two products at the same
-- price, so none is a duplicate. Only
-- repeats are stored: a handful of rows, where a flag on every line would
-- mean writing a row per raw line. A refresh (var refresh_from_stored) adds
-- the repeats among the lines it reads, whose first copy may be a stored
-- line.
{{ appended_lines_config() }}
{%- set columns = duplicate_line_columns() %}

with

order_lines as (

    select * from {{ ref('stg_orders__new_order_lines') }}

),

line_hashes as (

    -- A hash of the whole line finds the few candidates cheaply; the exact
    -- comparison below settles them, so a hash collision can never make two
    -- different lines duplicates.
    select
        order_line_id,
        {{ row_hash(columns) }} as line_hash
    from order_lines
    where line_key is not null

),

{%- if is_incremental() %}

stored_hashes as (

    -- Stored lines a new line may repeat. Their other columns are not
    -- stored, so the hash settles it together with customer, order and
    -- time: a new line would have to collide on all of them at once.
    select
        order_line_id,
        customer_id,
        order_id,
        ordered_at,
        line_hash
    from {{ stored_relation('int_order_lines_validated') }}
    where line_hash in (select line_hash from line_hashes)

),
{%- endif %}

repeated_hashes as (

    select line_hash
    from line_hashes
    group by line_hash
    having count(*) > 1
    {%- if is_incremental() %}

    union

    select line_hash from stored_hashes
    {%- endif %}

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

{%- if is_incremental() %}

stored_first_copies as (

    -- Stored lines are numbered before new ones, so a stored copy comes
    -- first.
    select
        candidate_lines.order_line_id,
        min(stored_hashes.order_line_id) as first_copy_line_id
    from candidate_lines
    inner join line_hashes
        on candidate_lines.order_line_id = line_hashes.order_line_id
    inner join stored_hashes
        on
            line_hashes.line_hash = stored_hashes.line_hash
            and candidate_lines.customer_id
            is not distinct from stored_hashes.customer_id
            and candidate_lines.order_id
            is not distinct from stored_hashes.order_id
            and candidate_lines.ordered_at
            is not distinct from stored_hashes.ordered_at
    group by candidate_lines.order_line_id

),
{%- endif %}

first_copies as (

    -- Without a refresh there is no stored copy: the coalesce keeps the
    -- first copy among the lines read.
    select
        exact_copies.order_line_id,
        coalesce(
            {{ 'stored_first_copies.first_copy_line_id' if is_incremental()
                else 'null' }},
            exact_copies.first_copy_line_id
        ) as first_copy_line_id
    from exact_copies
    {%- if is_incremental() %}
    left join stored_first_copies
        on exact_copies.order_line_id = stored_first_copies.order_line_id
    {%- endif %}

),

final as (

    select
        order_line_id,
        first_copy_line_id as duplicate_of_order_line_id
    from first_copies
    where order_line_id != first_copy_line_id

)

select * from final
