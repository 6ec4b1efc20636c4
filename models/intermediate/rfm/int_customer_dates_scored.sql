-- R, F and M scores per customer and as-of date: NTILE buckets among the
-- customers of that date, 5 = best on every axis (bought most recently, most
-- often, for the most money). Ties follow var rfm_tie_policy; under 'row'
-- customer_id breaks them, so scores are the same on every run.
with

customers as (

    select * from {{ ref('int_customer_dates_aggregated') }}

),

positioned as (

    select
        *,
        -- Longest recency first, so the most recent buyers land in the top
        -- bucket.
        {{ ntile_position('recency_days', true, 'as_of_date') }}
            as r_position,
        {{ ntile_position('frequency', false, 'as_of_date') }} as f_position,
        {{ ntile_position('monetary', false, 'as_of_date') }} as m_position,
        count(*) over (partition by as_of_date) as scored_customers
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
        {{ ntile_score('r_position', 'scored_customers') }} as r_score,
        {{ ntile_score('f_position', 'scored_customers') }} as f_score,
        {{ ntile_score('m_position', 'scored_customers') }} as m_score,
        first_order_date,
        last_order_date
    from positioned

),

final as (

    select
        *,
        {{ fm_score('f_score', 'm_score') }} as fm_score
    from scored

)

select * from final
