-- The CLV models see the customers customer_segments scores, with the same
-- figures: x = frequency - 1, t_x = last - first order date, T =
-- tenure_days. Both are computed from the orders by separate models, so a
-- difference means the CLV inputs do not count orders as the RFM models do.
-- Fails with each customer that differs and why.
{%- set text = dbt.type_string() %}

with

customer_segments as (

    select * from {{ ref('customer_segments') }}

),

customer_value_predictions as (

    select * from {{ ref('customer_value_predictions') }}

),

compared as (

    select
        coalesce(
            customer_segments.customer_id,
            customer_value_predictions.customer_id
        ) as customer_id,
        customer_segments.customer_id is null as is_missing_from_segments,
        customer_value_predictions.customer_id is null
            as is_missing_from_predictions,
        customer_segments.repeat_frequency,
        customer_value_predictions.repeat_purchases,
        cast(
            {{ dbt.datediff(
                'customer_segments.first_order_date',
                'customer_segments.last_order_date',
                'day'
            ) }} as bigint
        ) as segments_first_to_last_days,
        customer_value_predictions.first_to_last_days,
        customer_segments.tenure_days,
        customer_value_predictions.customer_age_days
    from customer_segments
    full outer join customer_value_predictions
        on
            customer_segments.customer_id
            = customer_value_predictions.customer_id

),

validation_errors as (

    select
        customer_id,
        case
            when is_missing_from_predictions
                then
                    'Customer ' || customer_id || ' is in customer_segments '
                    || 'but not in customer_value_predictions.'
            when is_missing_from_segments
                then
                    'Customer ' || customer_id || ' is in '
                    || 'customer_value_predictions but not in '
                    || 'customer_segments.'
            else
                'Customer ' || customer_id || ': repeat_purchases '
                || cast(repeat_purchases as {{ text }})
                || ', first_to_last_days '
                || cast(first_to_last_days as {{ text }})
                || ', customer_age_days '
                || cast(customer_age_days as {{ text }})
                || ' against repeat_frequency '
                || cast(repeat_frequency as {{ text }})
                || ', last - first order date '
                || cast(segments_first_to_last_days as {{ text }})
                || ', tenure_days ' || cast(tenure_days as {{ text }})
                || ' in customer_segments.'
        end as failure_reason
    from compared
    where
        is_missing_from_predictions
        or is_missing_from_segments
        or repeat_purchases != repeat_frequency
        or first_to_last_days != segments_first_to_last_days
        or customer_age_days != tenure_days

)

select * from validation_errors
