-- One row per customer of the current purchase histories: the inputs of the
-- CLV models, P(alive), the purchases and value expected over var
-- clv_horizon_days, the value decile and the value tier it falls in (seed
-- value_tiers). Predictions from the Python fits; where Python models do
-- not run (or var clv_predict_in_sql), from var clv_parameters in SQL:
-- P(alive) and the expected order value only, so no decile and no tier.
{%- set lost_below = settings().clv_likely_lost_p_alive %}
{%- if not is_built('clv_python') %}
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

purchase_histories as (

    select * from {{ ref('int_customers_purchases_summarised') }}

),

value_tiers as (

    select * from {{ ref('value_tiers') }}

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
        current_histories.customer_id,
        current_histories.repeat_purchases,
        current_histories.first_to_last_days,
        current_histories.customer_age_days,
        current_histories.repeat_order_value_mean,
        predicted.p_alive,
        predicted.expected_purchases,
        predicted.expected_order_value,
        predicted.predicted_clv
    from current_histories
    inner join predicted
        on current_histories.customer_id = predicted.customer_id

),

-- The NTILE position among the customers with a predicted CLV, lowest
-- first; ties between equal values follow var rfm_tie_policy, as for the
-- RFM scores.
positioned as (

    select
        *,
        rank() over (
            partition by predicted_clv is null order by predicted_clv
        ) + {{ ntile_tie_rank('predicted_clv') }} as value_position,
        count(predicted_clv) over () as valued_customers
    from joined

),

scored as (

    select
        *,
        -- 10 = the highest predicted CLV.
        case
            when predicted_clv is not null
                then {{ ntile_score('value_position', 'valued_customers', 10) }}
        end as value_decile
    from positioned

),

final as (

    select
        scored.customer_id,
        value_tiers.tier_name as value_tier,
        scored.value_decile,
        value_tiers.tier_rank as value_tier_rank,
        scored.repeat_purchases,
        scored.first_to_last_days,
        scored.customer_age_days,
        scored.repeat_order_value_mean,
        scored.p_alive,
        scored.expected_purchases,
        scored.expected_order_value,
        scored.predicted_clv,
        scored.p_alive < {{ lost_below }} as is_likely_lost
    from scored
    left join value_tiers
        on
            scored.value_decile >= value_tiers.min_value_decile
            and scored.value_decile <= value_tiers.max_value_decile

)

select * from final
