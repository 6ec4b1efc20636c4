-- Nobody is lost or counted twice between two as-of dates: for each pair of
-- consecutive dates in segment_transitions, the flows out of each segment
-- ('(gone)' included) add up to its customers and revenue at the earlier
-- date, and the flows into each segment ('(new)' included) to its customers
-- and revenue at the later date, as customer_segment_history counts them.
-- Every pair of consecutive dates of the history is checked, including
-- segments that are empty at one of the two dates.
-- Fails with each (date, segment, side) whose sums differ, and a
-- failure_reason with both sums.
{#- The two sides of a pair of dates: the transitions' column prefix, the
    segment that stands for customers outside the segmentation on that
    side, the column of int_history_as_of_dates_resolved that holds the
    side's date, and what the side checks. #}
{%- set sides = [
    ('from', '(new)', 'previous_as_of_date',
        'out of the segment at the earlier date'),
    ('to', '(gone)', 'as_of_date', 'into the segment at the later date'),
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

{%- for prefix, outside, date_column, side in sides %}

    {{ prefix }}_sizes as (

        select segment_sizes.*
        from segment_sizes
        inner join as_of_dates
            on segment_sizes.as_of_date = as_of_dates.{{ date_column }}
        where as_of_dates.previous_as_of_date is not null

    ),

    {{ prefix }}_flows as (

        select
            {{ prefix }}_as_of_date as as_of_date,
            {{ prefix }}_segment_name as segment_name,
            sum(customers) as customers,
            sum(cast({{ prefix }}_revenue as decimal(38, 4))) as revenue
        from transitions
        where {{ prefix }}_segment_name != '{{ outside }}'
        group by {{ prefix }}_as_of_date, {{ prefix }}_segment_name

    ),

    {{ prefix }}_compared as (

        select
            '{{ side }}' as side,
            coalesce(
                {{ prefix }}_sizes.as_of_date, {{ prefix }}_flows.as_of_date
            ) as as_of_date,
            coalesce(
                {{ prefix }}_sizes.segment_name, {{ prefix }}_flows.segment_name
            ) as segment_name,
            coalesce({{ prefix }}_sizes.customers, 0) as segment_customers,
            coalesce({{ prefix }}_flows.customers, 0) as flow_customers,
            coalesce({{ prefix }}_sizes.revenue, 0) as segment_revenue,
            coalesce({{ prefix }}_flows.revenue, 0) as flow_revenue
        from {{ prefix }}_sizes
        full outer join {{ prefix }}_flows
            on
                {{ prefix }}_sizes.as_of_date = {{ prefix }}_flows.as_of_date
                and {{ prefix }}_sizes.segment_name
                = {{ prefix }}_flows.segment_name

    ),
{%- endfor %}

compared as (

    select * from from_compared
    union all
    select * from to_compared

),

validation_errors as (

    select *
    from compared
    where
        segment_customers != flow_customers
        or abs(segment_revenue - flow_revenue) > 0.01

),

final as (

    select
        *,
        'segment ' || segment_name || ' on '
        || cast(as_of_date as {{ dbt.type_string() }}) || ' holds '
        || cast(segment_customers as {{ dbt.type_string() }})
        || ' customers and '
        || cast(segment_revenue as {{ dbt.type_string() }})
        || ' of revenue, but the transitions ' || side || ' count '
        || cast(flow_customers as {{ dbt.type_string() }})
        || ' and ' || cast(flow_revenue as {{ dbt.type_string() }})
        || ' (expected equal: every customer is counted once between two'
        || ' as-of dates)' as failure_reason
    from validation_errors

)

select * from final
