-- Per customer, the purchase history the CLV models read, in whole days:
-- as of the as-of date (sample 'current'), and as of the as-of date moved
-- back var clv_holdout_days (sample 'calibration') with the purchases made
-- between the two (the holdout). Orders count as in customer_segments: a
-- purchase order placed before the date (all its lines dated earlier), in
-- the window of var lookback_days.
{%- set settings = settings() %}
{%- set lookback = settings.lookback_days %}
{%- set has_holdout = settings.clv_holdout_days is not none %}
{#- With no holdout the calibration row is filtered out; 0 keeps the SQL
    valid. #}
{%- set holdout = settings.clv_holdout_days or 0 %}
{%- set calibration_date_sql = dbt.dateadd('day', -1 * holdout, 'as_of_date') %}

with

orders as (

    select * from {{ ref('int_orders_aggregated') }}

),

customer_segments as (

    select * from {{ ref('customer_segments') }}

),

as_of_date as (

    select
        max(as_of_date) as as_of_date,
        min(first_order_date) as first_order_date
    from customer_segments

),

cutoffs as (

    select
        'current' as sample_name,
        as_of_date as cutoff_date
    from as_of_date

    union all

    select
        'calibration' as sample_name,
        cast({{ calibration_date_sql }} as date) as cutoff_date
    from as_of_date
    where
        {{ 'true' if has_holdout else 'false' }}
        and {{ raise_error_if(
            ('true' if has_holdout else 'false')
            ~ ' and ' ~ calibration_date_sql ~ ' <= first_order_date',
            "'var clv_holdout_days = " ~ holdout ~ " moves the as-of date "
            ~ "back to ' || cast(cast(" ~ calibration_date_sql ~ " as date) as "
            ~ dbt.type_string() ~ ") || ', not after the first purchase (' "
            ~ "|| cast(first_order_date as " ~ dbt.type_string() ~ ") || '): "
            ~ "nothing to calibrate on. Use fewer days, or null for no "
            ~ "holdout validation.'"
        ) }} is null

),

counted as (

    -- The purchase orders of each sample, numbered in order of purchase
    -- (ties by order id) to tell the first from the repeats.
    select
        cutoffs.sample_name,
        cutoffs.cutoff_date,
        orders.customer_id,
        orders.net_revenue,
        orders.first_purchase_at,
        orders.last_purchase_at,
        row_number() over (
            partition by cutoffs.sample_name, orders.customer_id
            order by orders.first_purchase_at, orders.order_id
        ) as purchase_number
    from orders
    inner join cutoffs
        on orders.last_line_at < cutoffs.cutoff_date
    where
        orders.is_purchase
    {%- if lookback is not none %}
        and orders.first_line_at >= {{ dbt.dateadd(
            'day', -1 * lookback, 'cutoffs.cutoff_date'
        ) }}
    {%- endif %}

),

summarised as (

    select
        sample_name,
        cutoff_date,
        customer_id,
        cast(count(*) - 1 as bigint) as repeat_purchases,
        -- Exact decimal sum, then double: the same figure on every run.
        cast(
            sum(case when purchase_number > 1 then net_revenue end) as double
        ) as repeat_order_value_total,
        cast(min(first_purchase_at) as date) as first_purchase_date,
        cast(max(last_purchase_at) as date) as last_purchase_date
    from counted
    group by sample_name, cutoff_date, customer_id

),

holdout_purchases as (

    -- Purchase orders counted on the as-of date but not on the calibration
    -- date: placed in the holdout days.
    select
        orders.customer_id,
        cast(count(*) as bigint) as holdout_purchases
    from orders
    inner join cutoffs
        on
            cutoffs.sample_name = 'calibration'
            and orders.last_line_at >= cutoffs.cutoff_date
    cross join as_of_date
    where
        orders.is_purchase
    {%- if lookback is not none %}
        and orders.first_line_at >= {{ dbt.dateadd(
            'day', -1 * lookback, 'as_of_date.as_of_date'
        ) }}
    {%- endif %}
    group by orders.customer_id

),

final as (

    select
        summarised.sample_name,
        summarised.customer_id,
        summarised.repeat_purchases,
        cast(
            {{ dbt.datediff(
                'summarised.first_purchase_date',
                'summarised.last_purchase_date',
                'day'
            ) }} as bigint
        ) as first_to_last_days,
        cast(
            {{ dbt.datediff(
                'summarised.first_purchase_date', 'summarised.cutoff_date', 'day'
            ) }} as bigint
        ) as customer_age_days,
        summarised.repeat_order_value_total
        / nullif(summarised.repeat_purchases, 0) as repeat_order_value_mean,
        case
            when summarised.sample_name = 'calibration'
                then coalesce(holdout_purchases.holdout_purchases, 0)
        end as holdout_purchases,
        summarised.first_purchase_date,
        summarised.last_purchase_date,
        summarised.cutoff_date
    from summarised
    left join holdout_purchases
        on
            summarised.customer_id = holdout_purchases.customer_id
            and summarised.sample_name = 'calibration'

)

select * from final
