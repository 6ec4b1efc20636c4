-- Nobody is lost or counted twice between two as-of dates: for each pair of
-- consecutive dates in segment_transitions, the flows out of each segment
-- ('(gone)' included) add up to its customers and revenue at the earlier
-- date, and the flows into each segment ('(new)' included) to its customers
-- and revenue at the later date, as customer_segment_history counts them.
-- Every pair of consecutive dates of the history is checked, including
-- segments that are empty at one of the two dates.
-- Fails with each (date, segment, side) whose sums differ.

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

outflows as (

    select
        from_as_of_date as as_of_date,
        from_segment_name as segment_name,
        sum(customers) as customers,
        sum(cast(from_revenue as decimal(38, 4))) as revenue
    from transitions
    where from_segment_name != '(new)'
    group by from_as_of_date, from_segment_name

),

inflows as (

    select
        to_as_of_date as as_of_date,
        to_segment_name as segment_name,
        sum(customers) as customers,
        sum(cast(to_revenue as decimal(38, 4))) as revenue
    from transitions
    where to_segment_name != '(gone)'
    group by to_as_of_date, to_segment_name

),

earlier_sizes as (

    select segment_sizes.*
    from segment_sizes
    inner join date_pairs
        on segment_sizes.as_of_date = date_pairs.from_as_of_date

),

later_sizes as (

    select segment_sizes.*
    from segment_sizes
    inner join date_pairs
        on segment_sizes.as_of_date = date_pairs.to_as_of_date

),

compared as (

    select
        'out of the segment at the earlier date' as side,
        coalesce(earlier_sizes.as_of_date, outflows.as_of_date) as as_of_date,
        coalesce(earlier_sizes.segment_name, outflows.segment_name)
            as segment_name,
        coalesce(earlier_sizes.customers, 0) as segment_customers,
        coalesce(outflows.customers, 0) as flow_customers,
        coalesce(earlier_sizes.revenue, 0) as segment_revenue,
        coalesce(outflows.revenue, 0) as flow_revenue
    from earlier_sizes
    full outer join outflows
        on
            earlier_sizes.as_of_date = outflows.as_of_date
            and earlier_sizes.segment_name = outflows.segment_name

    union all

    select
        'into the segment at the later date' as side,
        coalesce(later_sizes.as_of_date, inflows.as_of_date) as as_of_date,
        coalesce(later_sizes.segment_name, inflows.segment_name)
            as segment_name,
        coalesce(later_sizes.customers, 0) as segment_customers,
        coalesce(inflows.customers, 0) as flow_customers,
        coalesce(later_sizes.revenue, 0) as segment_revenue,
        coalesce(inflows.revenue, 0) as flow_revenue
    from later_sizes
    full outer join inflows
        on
            later_sizes.as_of_date = inflows.as_of_date
            and later_sizes.segment_name = inflows.segment_name

),

validation_errors as (

    select *
    from compared
    where
        segment_customers != flow_customers
        or abs(segment_revenue - flow_revenue) > 0.01

)

select * from validation_errors
