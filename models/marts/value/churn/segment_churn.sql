-- Churn per RFM segment between consecutive as-of dates of the segment
-- history: of the customers active at the earlier date (a purchase in the
-- var alert_inactive_days days before it), the share inactive at the later
-- date (no purchase in the var alert_inactive_days days before that, or not
-- scored any more), counted in the segment they were in at the earlier
-- date. Scaled to a month (30.4375 days) so that periods of any length
-- compare with var churn_alert_monthly_rate. One row per later date and
-- segment with active customers, and one for all customers.
{%- set settings = settings() %}

with

history as (

    select * from {{ ref('customer_segment_history') }}

),

distinct_dates as (

    select distinct as_of_date from history

),

as_of_dates as (

    select
        as_of_date,
        lag(as_of_date) over (order by as_of_date) as previous_as_of_date,
        as_of_date = max(as_of_date) over () as is_current_as_of_date
    from distinct_dates

),

active_before as (

    select
        history.customer_id,
        history.segment_name,
        history.segment_rank,
        as_of_dates.previous_as_of_date,
        as_of_dates.as_of_date,
        as_of_dates.is_current_as_of_date
    from history
    inner join as_of_dates
        on history.as_of_date = as_of_dates.previous_as_of_date
    where history.recency_days <= {{ settings.alert_inactive_days }}

),

followed as (

    select
        active_before.*,
        coalesce(
            later.recency_days > {{ settings.alert_inactive_days }}, true
        ) as has_churned
    from active_before
    left join history as later
        on
            active_before.customer_id = later.customer_id
            and active_before.as_of_date = later.as_of_date

),

per_segment as (

    -- A row per segment and dates, and one of all customers per dates (the
    -- rollup's row without segment_name).
    select
        case
            when grouping(segment_name) = 1 then '(all customers)'
            else segment_name
        end as segment_name,
        case
            when grouping(segment_name) = 0 then min(segment_rank)
        end as segment_rank,
        grouping(segment_name) = 1 as is_all_customers,
        count(*) as active_customers,
        sum(case when has_churned then 1 else 0 end) as churned_customers,
        previous_as_of_date,
        as_of_date,
        is_current_as_of_date
    from followed
    group by
        previous_as_of_date,
        as_of_date,
        is_current_as_of_date,
        rollup(segment_name)

),

rates as (

    select
        *,
        cast(churned_customers as double) / active_customers as churn_rate,
        cast(
            {{ dbt.datediff('previous_as_of_date', 'as_of_date', 'day') }}
            as bigint
        ) as period_days
    from per_segment

),

final as (

    select
        cast(segment_name as {{ dbt.type_string() }}) as segment_name,
        cast(segment_rank as integer) as segment_rank,
        cast(active_customers as bigint) as active_customers,
        cast(churned_customers as bigint) as churned_customers,
        churn_rate,
        period_days,
        churn_rate * 30.4375 / period_days as monthly_churn_rate,
        cast({{ settings.churn_alert_monthly_rate }} as double)
            as monthly_churn_threshold,
        is_all_customers,
        (
            churn_rate * 30.4375 / period_days
            > {{ settings.churn_alert_monthly_rate }}
            and active_customers >= {{ settings.churn_alert_min_customers }}
        ) as is_above_threshold,
        is_current_as_of_date,
        previous_as_of_date,
        as_of_date
    from rates

)

select * from final
