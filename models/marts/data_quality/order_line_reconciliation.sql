-- Where the raw order lines went, per input and outcome: counted ('clean'),
-- outside the window ('after_as_of_date'), or quarantined for a reason. Sums
-- back to the raw line count of each input. Built from counts rather than by
-- checking every line again; the test
-- assert_every_raw_order_line_accounted_for_once proves for every line that
-- the three add up to the raw lines.
with

validated_order_lines as (

    select * from {{ ref('int_order_lines_validated') }}

),

per_outcome as (

    select
        source_name,
        line_status,
        coalesce(quarantine_reason, line_status) as outcome,
        count(*) as order_lines
    from validated_order_lines
    group by source_name, line_status, coalesce(quarantine_reason, line_status)

),

final as (

    select
        source_name,
        outcome,
        line_status,
        order_lines,
        cast(order_lines as double)
        / sum(order_lines) over (partition by source_name) as line_share
    from per_outcome

)

select * from final
