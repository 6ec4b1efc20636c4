-- Recency, frequency and monetary value per customer and as-of date: an
-- order counts for date D when all its lines are dated before D and, with
-- var lookback_days, its first line is on or after D - lookback_days. One
-- row per customer and date with at least one purchase counted; customers
-- who only returned goods are not scored. Built from the customer's periods
-- (int_customer_periods_aggregated), not from the orders once per date.
{%- set lookback = settings().lookback_days %}
{%- if var('history_enabled') %}
    {{- log_history_dates(ref('int_history_as_of_dates_resolved')) }}
{%- endif %}
{%- set open_end = "cast('9999-12-31' as date)" %}
{#- One of the two ways below runs; the other is an empty branch the
    engine drops when it plans the query. Running totals pay off over many
    dates; for the current date alone (var history_enabled false) a plain
    total per customer is cheaper. #}
{%- set is_all_history = 'true' if lookback is none and var('history_enabled')
    else 'false' %}
{#- Incremental: a refresh (var refresh_from_stored) computes only the
    dates macro refreshed_as_of_dates names. #}
{{ as_of_date_incremental_config() }}

with

periods as (

    select * from {{ ref('int_customer_periods_aggregated') }}

),

as_of_dates as (

    select * from {{ ref('int_history_as_of_dates_resolved') }}

),

computed_dates as (

    {{ refreshed_as_of_dates() }}

),

running as (

    -- All history counts: the figures on a date are the running totals of
    -- the customer's periods so far, and hold until its next period starts.
    select
        customer_id,
        counted_from_date,
        coalesce(
            lead(counted_from_date) over (
                partition by customer_id order by counted_from_date
            ),
            {{ open_end }}
        ) as next_counted_from_date,
        sum(purchase_orders) over customer_so_far as frequency,
        sum(return_only_orders) over customer_so_far as return_only_orders,
        sum(net_revenue) over customer_so_far as net_revenue,
        sum(gross_revenue) over customer_so_far as gross_revenue,
        sum(returned_amount) over customer_so_far as returned_amount,
        min(first_purchase_at) over customer_so_far as first_purchase_at,
        max(last_purchase_at) over customer_so_far as last_purchase_at
    from periods
    window customer_so_far as (
        partition by customer_id
        order by counted_from_date
        rows between unbounded preceding and current row
    )

),

span_ends as (

    select as_of_date as span_end_date from as_of_dates

    union all

    select {{ open_end }} as span_end_date

),

date_spans as (

    -- Each span of dates a running total can hold for, with its dates: an
    -- equality join then spreads the totals over the dates.
    select
        span_starts.as_of_date as counted_from_date,
        span_ends.span_end_date as next_counted_from_date,
        dates_inside.as_of_date
    from as_of_dates as span_starts
    inner join span_ends
        on span_starts.as_of_date < span_ends.span_end_date
    inner join computed_dates as dates_inside
        on
            span_starts.as_of_date <= dates_inside.as_of_date
            and span_ends.span_end_date > dates_inside.as_of_date

),

running_totals as (

    select
        running.customer_id,
        date_spans.as_of_date,
        running.frequency,
        running.return_only_orders,
        running.net_revenue,
        running.gross_revenue,
        running.returned_amount,
        running.first_purchase_at,
        running.last_purchase_at
    from running
    inner join date_spans
        on
            running.counted_from_date = date_spans.counted_from_date
            and running.next_counted_from_date
            = date_spans.next_counted_from_date
    where {{ is_all_history }}

),

window_totals as (

    -- A window of var lookback_days: orders leave it again, so each date
    -- totals the periods that count on it (each spans about lookback_days
    -- of dates). Also the current date alone, without the history.
    select
        periods.customer_id,
        computed_dates.as_of_date,
        sum(periods.purchase_orders) as frequency,
        sum(periods.return_only_orders) as return_only_orders,
        sum(periods.net_revenue) as net_revenue,
        sum(periods.gross_revenue) as gross_revenue,
        sum(periods.returned_amount) as returned_amount,
        min(periods.first_purchase_at) as first_purchase_at,
        max(periods.last_purchase_at) as last_purchase_at
    from periods
    inner join computed_dates
        on
            periods.counted_from_date <= computed_dates.as_of_date
            and (
                periods.counted_until_date is null
                or periods.counted_until_date > computed_dates.as_of_date
            )
    where not {{ is_all_history }}
    group by periods.customer_id, computed_dates.as_of_date

),

customer_dates as (

    select * from running_totals

    union all

    select * from window_totals

),

dated as (

    select
        customer_id,
        as_of_date,
        cast(frequency as bigint) as frequency,
        cast(return_only_orders as bigint) as return_only_orders,
        -- Exact decimal sums, then double: the same figures on every run.
        cast(net_revenue as double) as monetary,
        cast(gross_revenue as double) as gross_revenue,
        cast(returned_amount as double) as returned_amount,
        cast(first_purchase_at as date) as first_order_date,
        cast(last_purchase_at as date) as last_order_date
    from customer_dates
    where frequency > 0

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
    from dated

)

select * from final
