-- R, F and M scores per customer: NTILE buckets where 5 is best on every
-- axis (bought most recently, most often, for the most money). Ties follow
-- var rfm_tie_policy; the customer_id tie-break makes scores deterministic.
{%- set buckets = rfm_buckets() %}

with

customers as (

    select * from {{ ref('int_customers_rfm_aggregated') }}

),

bucketed as (

    select
        *,
        -- Longest recency first, so the most recent buyers land in the
        -- top bucket.
        ntile({{ buckets }}) over (
            order by recency_days desc, customer_id asc
        ) as r_bucket,
        ntile({{ buckets }}) over (
            order by frequency, customer_id
        ) as f_bucket,
        ntile({{ buckets }}) over (
            order by monetary, customer_id
        ) as m_bucket
    from customers

),

scored as (

    select
        customer_id,
        recency_days,
        frequency,
        repeat_frequency,
        return_only_orders,
        monetary,
        gross_revenue,
        returned_amount,
        average_order_value,
        tenure_days,
        {{ ntile_score('r_bucket', 'recency_days') }} as r_score,
        {{ ntile_score('f_bucket', 'frequency') }} as f_score,
        {{ ntile_score('m_bucket', 'monetary') }} as m_score,
        first_order_date,
        last_order_date,
        as_of_date
    from bucketed

),

final as (

    select
        *,
        {{ fm_score('f_score', 'm_score') }} as fm_score
    from scored

)

select * from final
