-- Recency, frequency and monetary value per customer as of the as-of date,
-- over the orders in the window. One row per customer with at least one
-- purchase in the window; customers who only returned goods are not scored.
with

orders as (

    select * from {{ ref('int_orders_aggregated') }}

),

as_of_dates as (

    select * from {{ ref('int_as_of_dates_resolved') }}

),

orders_in_window as (

    select
        orders.*,
        as_of_dates.as_of_date
    from orders
    cross join as_of_dates
    where
        as_of_dates.window_start_date is null
        or orders.first_line_at >= as_of_dates.window_start_date

),

per_customer as (

    select
        customer_id,
        as_of_date,
        cast(sum(case when is_purchase then 1 else 0 end) as bigint)
            as frequency,
        cast(sum(case when is_purchase then 0 else 1 end) as bigint)
            as return_only_orders,
        -- Exact decimal sums, then double: the same figures on every run.
        cast(sum(net_revenue) as double) as monetary,
        cast(sum(gross_revenue) as double) as gross_revenue,
        cast(sum(returned_amount) as double) as returned_amount,
        cast(min(first_purchase_at) as date) as first_order_date,
        cast(max(last_purchase_at) as date) as last_order_date
    from orders_in_window
    group by customer_id, as_of_date

),

final as (

    select
        customer_id,
        -- A bigint on every engine (Spark's datediff gives an int).
        cast(
            {{ dbt.datediff('last_order_date', 'as_of_date', 'day') }}
            as bigint
        ) as recency_days,
        frequency,
        frequency - 1 as repeat_frequency,
        return_only_orders,
        monetary,
        gross_revenue,
        returned_amount,
        monetary / frequency as average_order_value,
        cast(
            {{ dbt.datediff('first_order_date', 'as_of_date', 'day') }}
            as bigint
        ) as tenure_days,
        first_order_date,
        last_order_date,
        as_of_date
    from per_customer
    where frequency > 0

)

select * from final
