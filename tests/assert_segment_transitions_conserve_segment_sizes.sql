-- Nobody is lost or counted twice between two as-of dates: for each pair of
-- consecutive dates in segment_transitions, the flows out of each segment
-- ('(gone)' included) add up to its customers and revenue at the earlier
-- date, and the flows into each segment ('(new)' included) to its customers
-- and revenue at the later date, as customer_segment_history counts them.
-- Every pair of consecutive dates of the history is checked, including
-- segments that are empty at one of the two dates.
-- Fails with each (date, segment, side) whose sums differ.
{#- The two sides of a pair of dates: the transitions' column prefix, the
    segment that stands for customers outside the segmentation on that
    side, and what the side checks. #}
{%- set sides = [
    ('from', '(new)', 'out of the segment at the earlier date'),
    ('to', '(gone)', 'into the segment at the later date'),
] %}

with

transitions as (

    select * from {{ ref('segment_transitions') }}

),

segment_history as (

    select * from {{ ref('customer_segment_history') }}

),

as_of_dates as (

    select * from {{ ref('int_history_as_of_dates_resolved') }}

),

segment_sizes as (

    select
        as_of_date,
        segment_name,
        count(*) as customers,
        sum(cast(monetary as decimal(38, 4))) as revenue
    from segment_history
    group by as_of_date, segment_name

),

date_pairs as (

    select
        previous_as_of_date as from_as_of_date,
        as_of_date as to_as_of_date
    from as_of_dates
    where previous_as_of_date is not null

),

side_dates as (

    {%- for prefix, outside, side in sides %}
        {%- if not loop.first %}

            union all
        {%- endif %}

        select
            '{{ side }}' as side,
            {{ prefix }}_as_of_date as as_of_date
        from date_pairs
    {%- endfor %}

),

flows as (

    {%- for prefix, outside, side in sides %}
        {%- if not loop.first %}

            union all
        {%- endif %}

        select
            '{{ side }}' as side,
            {{ prefix }}_as_of_date as as_of_date,
            {{ prefix }}_segment_name as segment_name,
            customers,
            {{ prefix }}_revenue as revenue
        from transitions
        where {{ prefix }}_segment_name != '{{ outside }}'
    {%- endfor %}

),

flow_sizes as (

    select
        side,
        as_of_date,
        segment_name,
        sum(customers) as customers,
        sum(cast(revenue as decimal(38, 4))) as revenue
    from flows
    group by side, as_of_date, segment_name

),

side_sizes as (

    select
        side_dates.side,
        segment_sizes.*
    from segment_sizes
    inner join side_dates
        on segment_sizes.as_of_date = side_dates.as_of_date

),

compared as (

    select
        coalesce(side_sizes.side, flow_sizes.side) as side,
        coalesce(side_sizes.as_of_date, flow_sizes.as_of_date) as as_of_date,
        coalesce(side_sizes.segment_name, flow_sizes.segment_name)
            as segment_name,
        coalesce(side_sizes.customers, 0) as segment_customers,
        coalesce(flow_sizes.customers, 0) as flow_customers,
        coalesce(side_sizes.revenue, 0) as segment_revenue,
        coalesce(flow_sizes.revenue, 0) as flow_revenue
    from side_sizes
    full outer join flow_sizes
        on
            side_sizes.side = flow_sizes.side
            and side_sizes.as_of_date = flow_sizes.as_of_date
            and side_sizes.segment_name = flow_sizes.segment_name

),

validation_errors as (

    select *
    from compared
    where
        segment_customers != flow_customers
        or abs(segment_revenue - flow_revenue) > 0.01

)

select * from validation_errors
