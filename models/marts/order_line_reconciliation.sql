-- Where the raw order lines went, per input and outcome: counted ('clean'),
-- or quarantined for a reason. Sums back to the raw line count of each input.
with

validated_order_lines as (

    select * from {{ ref('int_order_lines_validated') }}

),

per_outcome as (

    select
        source_name,
        coalesce(quarantine_reason, 'clean') as outcome,
        count(*) as order_lines
    from validated_order_lines
    group by source_name, coalesce(quarantine_reason, 'clean')

),

final as (

    select
        source_name,
        outcome,
        order_lines,
        order_lines * 1.0
        / sum(order_lines) over (partition by source_name) as line_share
    from per_outcome

)

select * from final
