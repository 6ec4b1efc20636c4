-- The SQL formulas that predict on engines without Python models (macros
-- bgnbd_p_alive and gamma_gamma_order_value) give what the Python models
-- give, from the same parameters (clv_model_parameters) and inputs: to
-- 1e-9, the rounding of logarithms and powers in two languages. Fails with
-- each customer whose figures differ, and both values.
{{ config(enabled=is_built('clv_python')) }}
{%- set text = dbt.type_string() %}

with

customer_value_predictions as (

    select * from {{ ref('customer_value_predictions') }}

),

clv_model_parameters as (

    select * from {{ ref('clv_model_parameters') }}

),

parameters as (

    select
        max(case when parameter = 'r' then value end) as r,
        max(case when parameter = 'alpha' then value end) as alpha,
        max(case when parameter = 'a' then value end) as a,
        max(case when parameter = 'b' then value end) as b,
        max(case when parameter = 'p' then value end) as p,
        max(case when parameter = 'q' then value end) as q,
        max(case when parameter = 'v' then value end) as v
    from clv_model_parameters
    where model in ('bg_nbd', 'gamma_gamma')

),

recomputed as (

    select
        customer_value_predictions.customer_id,
        customer_value_predictions.p_alive,
        customer_value_predictions.expected_order_value,
        {{ bgnbd_p_alive(
            'customer_value_predictions.repeat_purchases',
            'customer_value_predictions.first_to_last_days',
            'customer_value_predictions.customer_age_days',
            'parameters.r',
            'parameters.alpha',
            'parameters.a',
            'parameters.b'
        ) }} as sql_p_alive,
        {{ gamma_gamma_order_value(
            'customer_value_predictions.repeat_purchases',
            'customer_value_predictions.repeat_order_value_mean',
            'parameters.p',
            'parameters.q',
            'parameters.v'
        ) }} as sql_expected_order_value
    from customer_value_predictions
    cross join parameters

),

validation_errors as (

    select
        customer_id,
        'Customer ' || customer_id || ': P(alive) '
        || cast(p_alive as {{ text }}) || ' in Python, '
        || cast(sql_p_alive as {{ text }}) || ' in SQL; expected order value '
        || cast(expected_order_value as {{ text }}) || ' in Python, '
        || cast(sql_expected_order_value as {{ text }})
        || ' in SQL (tolerance 1e-9, relative for the value).'
            as failure_reason
    from recomputed
    where
        not abs(p_alive - sql_p_alive) <= 1e-9
        or not abs(expected_order_value - sql_expected_order_value)
        <= 1e-9 * greatest(abs(expected_order_value), 1.0)

)

select * from validation_errors
