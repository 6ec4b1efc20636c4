-- One row per segment of the rule map, empty segments included (so a chart's
-- categories do not come and go): size, revenue and their shares, and the
-- average customer of the segment.
with

customers as (

    select * from {{ ref('customer_segments') }}

),

segment_definitions as (

    select * from {{ ref('segment_definitions') }}

),

per_segment as (

    select
        segment_name,
        count(*) as customers,
        -- Decimal sums: float sums depend on the order threads add them in.
        cast(sum(cast(monetary as decimal(38, 4))) as double) as revenue,
        cast(sum(frequency) as bigint) as orders,
        avg(recency_days) as mean_recency_days,
        avg(frequency) as mean_frequency,
        -- The exact sum, then one division: avg() of a decimal is rounded
        -- to a different scale on each engine.
        cast(sum(cast(monetary as decimal(38, 4))) as double)
        / count(*) as mean_monetary,
        max(as_of_date) as as_of_date
    from customers
    group by segment_name

),

totals as (

    select
        count(*) as customers,
        cast(sum(cast(monetary as decimal(38, 4))) as double) as revenue,
        max(as_of_date) as as_of_date
    from customers

),

final as (

    select
        segment_definitions.segment_name,
        segment_definitions.description,
        segment_definitions.recommended_action,
        segment_definitions.segment_rank,
        coalesce(per_segment.customers, 0) as customers,
        cast(coalesce(per_segment.customers, 0) as double) / totals.customers
            as customer_share,
        coalesce(per_segment.revenue, 0) as revenue,
        coalesce(per_segment.revenue, 0) / nullif(totals.revenue, 0)
            as revenue_share,
        coalesce(per_segment.orders, 0) as orders,
        per_segment.mean_recency_days,
        per_segment.mean_frequency,
        per_segment.mean_monetary,
        per_segment.revenue / nullif(per_segment.orders, 0)
            as mean_order_value,
        totals.as_of_date
    from segment_definitions
    cross join totals
    left join per_segment
        on segment_definitions.segment_name = per_segment.segment_name

)

select * from final
