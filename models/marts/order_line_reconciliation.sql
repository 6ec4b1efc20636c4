-- Where the raw order lines went, per input and outcome: counted ('clean'),
-- or quarantined for a reason. Sums back to the raw line count of each input.
-- Built from counts (raw lines, quarantined lines) rather than by checking
-- every line again; the test assert_every_raw_order_line_accounted_for_once
-- proves for every line that clean and quarantined lines add up to the raw.
with

order_lines as (

    select * from {{ ref('stg_orders__order_lines') }}

),

quarantined_order_lines as (

    select * from {{ ref('quarantined_order_lines') }}

),

raw_counts as (

    select
        source_name,
        count(*) as order_lines
    from order_lines
    group by source_name

),

quarantine_counts as (

    select
        source_name,
        quarantine_reason as outcome,
        count(*) as order_lines
    from quarantined_order_lines
    group by source_name, quarantine_reason

),

clean_counts as (

    select
        raw_counts.source_name,
        'clean' as outcome,
        raw_counts.order_lines - coalesce(sum(quarantine_counts.order_lines), 0)
            as order_lines
    from raw_counts
    left join quarantine_counts
        on raw_counts.source_name = quarantine_counts.source_name
    group by raw_counts.source_name, raw_counts.order_lines

),

per_outcome as (

    select * from clean_counts
    where order_lines > 0

    union all

    select * from quarantine_counts

),

final as (

    select
        source_name,
        outcome,
        order_lines,
        cast(order_lines as double)
        / sum(order_lines) over (partition by source_name) as line_share
    from per_outcome

)

select * from final
