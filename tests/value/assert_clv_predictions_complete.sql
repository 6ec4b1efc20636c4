-- Where the Python fits predict (int_customers_clv_predicted; not on Spark,
-- not with var clv_predict_in_sql), every customer of
-- customer_value_predictions has expected purchases, a predicted CLV and a
-- value decile, so the value tiers leave nobody out. Fails with each
-- customer that lacks one, and a failure_reason.
with

customer_value_predictions as (

    select * from {{ ref('customer_value_predictions') }}

),

python_predictions as (

    select * from {{ ref('int_customers_clv_predicted') }}

),

validation_errors as (

    select
        customer_value_predictions.customer_id,
        customer_value_predictions.expected_purchases,
        customer_value_predictions.predicted_clv,
        customer_value_predictions.value_decile,
        'customer ' || customer_value_predictions.customer_id || ' has '
        || case
            when python_predictions.customer_id is null
                then 'no row in int_customers_clv_predicted'
            when customer_value_predictions.expected_purchases is null
                then 'no expected_purchases'
            when customer_value_predictions.predicted_clv is null
                then 'no predicted_clv'
            else 'no value_decile'
        end || ' although the Python fits predict' as failure_reason
    from customer_value_predictions
    left join python_predictions
        on
            customer_value_predictions.customer_id
            = python_predictions.customer_id
    where
        python_predictions.customer_id is null
        or customer_value_predictions.expected_purchases is null
        or customer_value_predictions.predicted_clv is null
        or customer_value_predictions.value_decile is null

)

select * from validation_errors
