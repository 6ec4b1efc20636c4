-- Churn alerts on the current as-of date, beside the per-customer
-- customer_alerts: one row per RFM segment (and for all customers) whose
-- churn since the previous as-of date of the history, scaled to a month,
-- is above var churn_alert_monthly_rate, among at least var
-- churn_alert_min_customers active customers. Each reason states the
-- figures, the threshold and the var.
{{ config(enabled=is_built('history')) }}
{%- set settings = settings() %}
{%- set inactive_days = settings.alert_inactive_days %}
{%- set text = dbt.type_string() %}

with

segment_churn as (

    select * from {{ ref('segment_churn') }}

),

current_churn as (

    select *
    from segment_churn
    where is_current_as_of_date and is_above_threshold

),

previous_churn as (

    select
        segment_name,
        as_of_date,
        is_above_threshold
    from segment_churn

),

final as (

    select
        current_churn.segment_name,
        -- The percentage from the counts, exactly (30.4375 days a month,
        -- as segment_churn): a rounded double could round a tie one way
        -- on DuckDB and the other on Spark.
        'Churn ' || {{ rounded_quotient_text(
            '304375 * current_churn.churned_customers',
            '100 * current_churn.active_customers * current_churn.period_days',
            1
        ) }}
        || '% a month: '
        || cast(current_churn.churned_customers as {{ text }})
        || ' of the ' || cast(current_churn.active_customers as {{ text }})
        || ' customers active on '
        || cast(current_churn.previous_as_of_date as {{ text }})
        || ' (a purchase in the {{ inactive_days }} days before) had '
        || 'none in the {{ inactive_days }} days before '
        || cast(current_churn.as_of_date as {{ text }}) || ', '
        || cast(current_churn.period_days as {{ text }}) || ' days later; '
        || 'alert above var churn_alert_monthly_rate = '
        || '{{ settings.churn_alert_monthly_rate }}.' as reason,
        current_churn.monthly_churn_rate as metric_value,
        current_churn.monthly_churn_threshold as threshold_value,
        current_churn.active_customers,
        current_churn.churned_customers,
        current_churn.is_all_customers,
        not coalesce(previous_churn.is_above_threshold, false)
            as is_newly_raised,
        current_churn.as_of_date as raised_on,
        current_churn.previous_as_of_date
    from current_churn
    left join previous_churn
        on
            current_churn.segment_name = previous_churn.segment_name
            and current_churn.previous_as_of_date = previous_churn.as_of_date

)

select * from final
