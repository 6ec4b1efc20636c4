-- One row per scored customer: the inputs of the CLV models as of the as-of
-- date, P(alive), the purchases and value expected over var
-- clv_horizon_days, the value decile (int_customers_value_scored), and the
-- customer's RFM segment and K-means cluster.
with

customer_segments as (

    select * from {{ ref('customer_segments') }}

),

value_scored as (

    select * from {{ ref('int_customers_value_scored') }}

),

final as (

    select
        customer_segments.customer_id,
        customer_segments.segment_name,
        customer_segments.cluster_name,
        cast(customer_segments.cluster_id as integer) as cluster_id,
        value_scored.value_decile,
        value_scored.repeat_purchases,
        value_scored.first_to_last_days,
        value_scored.customer_age_days,
        value_scored.repeat_order_value_mean,
        value_scored.p_alive,
        value_scored.expected_purchases,
        value_scored.expected_order_value,
        value_scored.predicted_clv,
        value_scored.is_likely_lost,
        customer_segments.as_of_date
    from customer_segments
    inner join value_scored
        on customer_segments.customer_id = value_scored.customer_id

)

select * from final
