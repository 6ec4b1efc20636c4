-- R, F and M scores per customer and as-of date: the NTILE rules of
-- int_customers_rfm_scored (5 = best on every axis, ties by var
-- rfm_tie_policy, customer_id as tie-break), applied within each as-of date.
{%- set buckets = rfm_buckets() %}

with

customers as (

    select * from {{ ref('int_customers_rfm_history_aggregated') }}

),

bucketed as (

    select
        *,
        -- Longest recency first, so the most recent buyers land in the
        -- top bucket.
        ntile({{ buckets }}) over (
            partition by as_of_date
            order by recency_days desc, customer_id asc
        ) as r_bucket,
        ntile({{ buckets }}) over (
            partition by as_of_date
            order by frequency, customer_id
        ) as f_bucket,
        ntile({{ buckets }}) over (
            partition by as_of_date
            order by monetary, customer_id
        ) as m_bucket
    from customers

),

scored as (

    select
        customer_id,
        as_of_date,
        recency_days,
        frequency,
        repeat_frequency,
        return_only_orders,
        monetary,
        gross_revenue,
        returned_amount,
        average_order_value,
        tenure_days,
        {{ ntile_score('r_bucket', 'recency_days', 'as_of_date') }} as r_score,
        {{ ntile_score('f_bucket', 'frequency', 'as_of_date') }} as f_score,
        {{ ntile_score('m_bucket', 'monetary', 'as_of_date') }} as m_score,
        first_order_date,
        last_order_date
    from bucketed

),

final as (

    select
        *,
        {{ fm_score('f_score', 'm_score') }} as fm_score
    from scored

)

select * from final
