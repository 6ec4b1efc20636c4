-- Recency, frequency and monetary value per customer and as-of date of the
-- history, with the definitions of int_customers_rfm_aggregated applied to
-- each date: an order counts for date D when all its lines are dated before
-- D and it is inside D's window. One row per customer and date with at
-- least one purchase in that window.
{{ log_history_dates(ref('int_history_as_of_dates_resolved')) }}
with

orders as (

    select * from {{ ref('int_orders_aggregated') }}

),

as_of_dates as (

    select * from {{ ref('int_history_as_of_dates_resolved') }}

),

orders_in_window as (

    select
        orders.*,
        as_of_dates.as_of_date
    from orders
    inner join as_of_dates
        on
            orders.last_line_at < as_of_dates.as_of_date
            and (
                as_of_dates.window_start_date is null
                or orders.first_line_at >= as_of_dates.window_start_date
            )

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
        as_of_date,
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
        last_order_date
    from per_customer
    where frequency > 0

)

select * from final
