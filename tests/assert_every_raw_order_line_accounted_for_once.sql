-- Every raw order line is in exactly one of the clean lines and the
-- quarantine, and nothing is in either that was not raw. Fails with each line
-- id that is missing, doubled, or invented, and where it was found.
with

raw_order_lines as (

    select order_line_id from {{ ref('stg_orders__order_lines') }}

),

accounted_order_lines as (

    select
        order_line_id,
        'clean' as outcome
    from {{ ref('int_order_lines_cleaned') }}

    union all

    select
        order_line_id,
        'quarantined' as outcome
    from {{ ref('quarantined_order_lines') }}

),

per_line as (

    select
        order_line_id,
        count(*) as times_accounted,
        min(outcome) as first_outcome,
        max(outcome) as last_outcome
    from accounted_order_lines
    group by order_line_id

),

validation_errors as (

    select
        coalesce(raw_order_lines.order_line_id, per_line.order_line_id)
            as order_line_id,
        raw_order_lines.order_line_id is not null as is_raw,
        coalesce(per_line.times_accounted, 0) as times_accounted,
        per_line.first_outcome,
        per_line.last_outcome
    from raw_order_lines
    full outer join per_line
        on raw_order_lines.order_line_id = per_line.order_line_id
    where
        raw_order_lines.order_line_id is null
        or per_line.order_line_id is null
        or per_line.times_accounted != 1

)

select * from validation_errors
