-- Does the purchase model predict? BG/NBD fitted on the orders placed
-- before the calibration date (the as-of date moved back var
-- clv_holdout_days), its expected purchases for the holdout days against
-- the purchases the same customers made in them. One row per bucket of
-- repeat purchases at the calibration date (0, 1, ..., and the last one
-- open: var clv_validation_buckets) and one for all customers: the usual
-- calibration chart (predicted against actual by past purchases) and the
-- figures: total error, mean absolute error, correlation.
{{ config(enabled=is_built('clv_python')
    and settings().clv_holdout_days is not none) }}
{%- set settings = settings() %}
{%- set buckets = settings.clv_validation_buckets %}
{%- set text = dbt.type_string() %}

with

purchase_histories as (

    select * from {{ ref('int_customers_purchases_summarised') }}

),

holdout_predictions as (

    select * from {{ ref('int_customers_holdout_predicted') }}

),

compared as (

    select
        purchase_histories.customer_id,
        least(purchase_histories.repeat_purchases, {{ buckets }})
            as bucket_order,
        cast(holdout_predictions.predicted_holdout_purchases as double)
            as predicted,
        cast(purchase_histories.holdout_purchases as double) as actual,
        purchase_histories.cutoff_date
    from purchase_histories
    inner join holdout_predictions
        on purchase_histories.customer_id = holdout_predictions.customer_id
    where purchase_histories.sample_name = 'calibration'

),

grouped as (

    -- Every customer in its bucket and in the total row.
    select
        bucket_order,
        false as is_total,
        predicted,
        actual,
        cutoff_date
    from compared

    union all

    select
        {{ buckets + 1 }} as bucket_order,
        true as is_total,
        predicted,
        actual,
        cutoff_date
    from compared

),

means as (

    -- Exact decimal sums, then doubles: the same figures whatever the order
    -- the engine adds the rows in.
    select
        bucket_order,
        is_total,
        min(cutoff_date) as calibration_date,
        count(*) as customers,
        cast(sum(cast(predicted as decimal(38, 9))) as double)
            as predicted_purchases,
        cast(sum(cast(actual as decimal(38, 9))) as double)
            as actual_purchases,
        cast(sum(cast(abs(predicted - actual) as decimal(38, 9))) as double)
            as absolute_error_total
    from grouped
    group by bucket_order, is_total

),

deviations as (

    select
        grouped.bucket_order,
        grouped.predicted
        - means.predicted_purchases / means.customers as predicted_deviation,
        grouped.actual
        - means.actual_purchases / means.customers as actual_deviation
    from grouped
    inner join means
        on grouped.bucket_order = means.bucket_order

),

spreads as (

    -- 18 decimals: predictions that barely vary (a fit at a ridge's end)
    -- deviate by 10^-6 or less, whose squares 9 decimals would round away.
    select
        bucket_order,
        cast(
            sum(
                cast(predicted_deviation * actual_deviation as decimal(38, 18))
            ) as double
        ) as co_deviation,
        cast(
            sum(
                cast(
                    predicted_deviation * predicted_deviation
                    as decimal(38, 18)
                )
            ) as double
        ) as predicted_square_deviation,
        cast(
            sum(cast(actual_deviation * actual_deviation as decimal(38, 18)))
            as double
        ) as actual_square_deviation
    from deviations
    group by bucket_order

),

final as (

    select
        cast(
            case
                when means.is_total then 'all'
                when means.bucket_order = {{ buckets }}
                    then '{{ buckets }}+'
                else cast(means.bucket_order as {{ text }})
            end as {{ text }}
        ) as frequency_bucket,
        cast(means.bucket_order as integer) as bucket_order,
        cast(means.customers as bigint) as customers,
        means.predicted_purchases,
        means.actual_purchases,
        means.predicted_purchases / means.customers
            as mean_predicted_purchases,
        means.actual_purchases / means.customers as mean_actual_purchases,
        means.predicted_purchases - means.actual_purchases as purchase_error,
        (means.predicted_purchases - means.actual_purchases)
        / nullif(means.actual_purchases, 0) as purchase_error_share,
        means.absolute_error_total / means.customers as mean_absolute_error,
        -- Pearson's correlation of predicted and actual purchases per
        -- customer; null when either does not vary. Held within -1 and 1,
        -- which the rounding of each product to 18 decimals could pass.
        case
            when
                spreads.predicted_square_deviation > 0
                and spreads.actual_square_deviation > 0
                then greatest(-1.0, least(1.0, spreads.co_deviation / sqrt(
                    spreads.predicted_square_deviation
                    * spreads.actual_square_deviation
                )))
        end as correlation,  -- noqa: RF04
        cast({{ settings.clv_holdout_days }} as integer) as holdout_days,
        means.is_total,
        means.calibration_date,
        cast(
            {{ dbt.dateadd(
                'day', settings.clv_holdout_days, 'means.calibration_date'
            ) }} as date
        ) as holdout_end_date
    from means
    inner join spreads
        on means.bucket_order = spreads.bucket_order

)

select * from final
