-- One row per scored customer: the inputs of the CLV models as of the as-of
-- date, P(alive), the purchases and value expected over var
-- clv_horizon_days, the value decile, and the customer's RFM segment and
-- K-means cluster. Predictions from the Python fits; where Python models do
-- not run (or var clv_predict_in_sql), from var clv_parameters in SQL:
-- P(alive) and the expected order value only (docs/clv.md).
{%- set settings = clv_settings() %}
{#- Under var rfm_tie_policy 'value' equal values share the lowest decile
    among them, as equal R, F or M values share a score. #}
{%- if var('rfm_tie_policy') == 'row' %}
    {%- set value_decile = 'cast(value_bucket as bigint)' %}
{%- else %}
    {%- set value_decile = 'cast(min(value_bucket) over '
        ~ '(partition by predicted_clv) as bigint)' %}
{%- endif %}
{%- if settings.predict_in_sql %}
    {%- set purchases = clv_stored_parameters().bg_nbd %}
    {%- set order_values = clv_stored_parameters().gamma_gamma %}
    {%- set predictions_sql %}
    select
        customer_id,
        {{ bgnbd_p_alive(
            'repeat_purchases',
            'first_to_last_days',
            'customer_age_days',
            purchases.r | float,
            purchases.alpha | float,
            purchases.a | float,
            purchases.b | float
        ) }} as p_alive,
        -- The expected purchases need the hypergeometric function, which
        -- SQL engines do not have: no purchases, hence no CLV, here.
        cast(null as double) as expected_purchases,
        {{ gamma_gamma_order_value(
            'repeat_purchases',
            'repeat_order_value_mean',
            order_values.p | float,
            order_values.q | float,
            order_values.v | float
        ) }} as expected_order_value,
        cast(null as double) as predicted_clv
    from current_histories
    {%- endset %}
{%- else %}
    {%- set predictions_sql = 'select * from '
        ~ ref('int_customers_clv_predicted') %}
{%- endif %}

with

customer_segments as (

    select * from {{ ref('customer_segments') }}

),

purchase_histories as (

    select * from {{ ref('int_customers_purchases_summarised') }}

),

current_histories as (

    select *
    from purchase_histories
    where sample_name = 'current'

),

predicted as (

    {{ predictions_sql }}

),

joined as (

    select
        customer_segments.customer_id,
        customer_segments.segment_name,
        customer_segments.cluster_name,
        customer_segments.cluster_id,
        current_histories.repeat_purchases,
        current_histories.first_to_last_days,
        current_histories.customer_age_days,
        current_histories.repeat_order_value_mean,
        predicted.p_alive,
        predicted.expected_purchases,
        predicted.expected_order_value,
        predicted.predicted_clv,
        -- 10 = the highest predicted CLV; ties between equal values are
        -- handled by var rfm_tie_policy, as for the RFM scores.
        ntile(10) over (
            order by predicted.predicted_clv, customer_segments.customer_id
        ) as value_bucket,
        customer_segments.as_of_date
    from customer_segments
    inner join current_histories
        on customer_segments.customer_id = current_histories.customer_id
    inner join predicted
        on customer_segments.customer_id = predicted.customer_id

),

final as (

    select
        customer_id,
        segment_name,
        cluster_name,
        cast(cluster_id as integer) as cluster_id,
        case
            when predicted_clv is not null then {{ value_decile }}
        end as value_decile,
        repeat_purchases,
        first_to_last_days,
        customer_age_days,
        repeat_order_value_mean,
        p_alive,
        expected_purchases,
        expected_order_value,
        predicted_clv,
        p_alive < {{ settings.likely_lost_p_alive }} as is_likely_lost,
        as_of_date
    from joined

)

select * from final
