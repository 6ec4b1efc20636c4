-- The value outlook of each segment of each segmentation
-- (int_segment_assignments: RFM segments, K-means clusters, value tiers)
-- with customers in customer_value_predictions: customers, expected
-- purchases and predicted CLV over var clv_horizon_days, mean P(alive), and
-- the customers likely lost (P(alive) below var clv_likely_lost_p_alive)
-- with the revenue they brought so far.
{%- set settings = settings() %}

with

customer_value_predictions as (

    select * from {{ ref('customer_value_predictions') }}

),

assignments as (

    select * from {{ ref('int_segment_assignments') }}

),

memberships as (

    -- Sums in exact decimals, then doubles: the same figures whatever the
    -- order DuckDB adds them in (a sum of doubles depends on it).
    select
        assignments.segment_type,
        assignments.segment_name,
        assignments.segment_rank,
        cast(customer_value_predictions.expected_purchases as decimal(38, 9))
            as expected_purchases,
        cast(customer_value_predictions.predicted_clv as decimal(38, 9))
            as predicted_clv,
        cast(customer_value_predictions.p_alive as decimal(38, 12))
            as p_alive,
        cast(assignments.monetary as decimal(38, 9)) as monetary,
        customer_value_predictions.is_likely_lost
    from customer_value_predictions
    inner join assignments
        on customer_value_predictions.customer_id = assignments.customer_id

),

aggregated as (

    select
        segment_type,
        segment_name,
        min(segment_rank) as segment_rank,
        count(*) as customers,
        sum(expected_purchases) as expected_purchases,
        sum(predicted_clv) as predicted_clv_total,
        sum(p_alive) as p_alive_total,
        sum(case when is_likely_lost then 1 else 0 end)
            as likely_lost_customers,
        sum(monetary) as revenue_total,
        sum(case when is_likely_lost then monetary else 0 end)
            as likely_lost_revenue
    from memberships
    group by segment_type, segment_name

),

final as (

    select
        cast(segment_type as {{ dbt.type_string() }}) as segment_type,
        cast(segment_name as {{ dbt.type_string() }}) as segment_name,
        cast(segment_rank as integer) as segment_rank,
        cast(customers as bigint) as customers,
        cast(expected_purchases as double) as expected_purchases,
        cast(predicted_clv_total as double) as predicted_clv_total,
        cast(predicted_clv_total as double) / customers as predicted_clv_mean,
        cast(predicted_clv_total as double)
        / nullif(
            cast(
                sum(predicted_clv_total) over (partition by segment_type)
                as double
            ),
            0
        ) as predicted_clv_share,
        cast(p_alive_total as double) / customers as mean_p_alive,
        cast(likely_lost_customers as bigint) as likely_lost_customers,
        cast(likely_lost_customers as double) / customers
            as likely_lost_share,
        cast(revenue_total as double) as revenue_total,
        cast(likely_lost_revenue as double) as likely_lost_revenue,
        cast({{ settings.clv_likely_lost_p_alive }} as double)
            as likely_lost_p_alive_threshold
    from aggregated

)

select * from final
