-- One row per customer and period of as-of dates: the customer's orders that
-- start to count on the same as-of date (the first one after the order's
-- last line) and, with var lookback_days, stop counting on the same one (the
-- first whose window starts after the order's first line). Running sums of
-- these rows give the customer's figures on every as-of date
-- (int_customer_dates_aggregated) without reading an order once per date.
{%- set lookback = settings().lookback_days %}
{%- set is_windowed = 'false' if lookback is none else 'true' %}
{%- set last_counted_day = dbt.dateadd(
    'day', lookback or 0, 'cast(orders_counted_from.first_line_at as date)'
) %}

with

orders as (

    select * from {{ ref('int_orders_aggregated') }}

),

as_of_dates as (

    select * from {{ ref('int_history_as_of_dates_resolved') }}

),

orders_counted_from as (

    -- An order counts for date D once all its lines are dated before D.
    select
        orders.*,
        as_of_dates.as_of_date as counted_from_date
    from orders
    inner join as_of_dates
        on
            orders.last_line_at < as_of_dates.as_of_date
            and (
                as_of_dates.previous_as_of_date is null
                or orders.last_line_at >= as_of_dates.previous_as_of_date
            )

),

orders_counted_until as (

    -- With a window of var lookback_days an order counts for D only while
    -- its first line is on or after D - lookback_days, i.e. until the first
    -- as-of date after the first line's day + lookback_days.
    select
        orders_counted_from.*,
        leaving_dates.as_of_date as counted_until_date
    from orders_counted_from
    left join as_of_dates as leaving_dates
        on
            {{ is_windowed }}
            and {{ last_counted_day }} < leaving_dates.as_of_date
            and (
                leaving_dates.previous_as_of_date is null
                or {{ last_counted_day }} >= leaving_dates.previous_as_of_date
            )

),

orders_counted as (

    -- An order longer than the window counts on no date.
    select *
    from orders_counted_until
    where
        counted_until_date is null
        or counted_until_date > counted_from_date

),

final as (

    select
        customer_id,
        counted_from_date,
        counted_until_date,
        cast(sum(case when is_purchase then 1 else 0 end) as bigint)
            as purchase_orders,
        cast(sum(case when is_purchase then 0 else 1 end) as bigint)
            as return_only_orders,
        -- Exact decimal sums: the running sums stay exact too.
        sum(net_revenue) as net_revenue,
        sum(gross_revenue) as gross_revenue,
        sum(returned_amount) as returned_amount,
        min(first_purchase_at) as first_purchase_at,
        max(last_purchase_at) as last_purchase_at
    from orders_counted
    group by customer_id, counted_from_date, counted_until_date

)

select * from final
