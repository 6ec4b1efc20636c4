-- Lifecycle alerts on the current as-of date, one row per customer and
-- alert: inactive, lost, a fall in average order value, a move down from a
-- top segment since the previous as-of date of the history. Thresholds are
-- vars (alert_*); each reason states the figures.
{{ config(enabled=is_built('history')) }}
{%- set settings = settings() %}
{%- set period_days = settings.alert_aov_period_days %}
{%- set drop_share = settings.alert_aov_drop_share %}
{%- set inactive_days = settings.alert_inactive_days %}
{%- set lost_days = settings.alert_lost_days %}
{%- set quoted_top_segments = [] %}
{%- for segment_name in settings.alert_top_segments %}
    {%- do quoted_top_segments.append(
        "'" ~ dbt.escape_single_quotes(segment_name | string) ~ "'"
    ) %}
{%- endfor %}
{%- set top_segments_sql = quoted_top_segments | join(', ') %}
{%- set text = dbt.type_string() %}

with

history as (

    select * from {{ ref('customer_segment_history') }}

),

as_of_dates as (

    select * from {{ ref('int_history_as_of_dates_resolved') }}

),

orders as (

    select * from {{ ref('int_orders_aggregated') }}

),

segment_definitions as (

    select * from {{ ref('segment_definitions') }}

),

top_segments as (

    select
        segment_name,
        segment_rank
    from segment_definitions
    where segment_name in ({{ top_segments_sql }})

),

alert_dates as (

    select
        as_of_date as raised_on,
        previous_as_of_date
    from as_of_dates
    where
        is_current_as_of_date
        and {{ raise_error_if(
            '(select count(*) from top_segments) != '
            ~ settings.alert_top_segments | length,
            "'var alert_top_segments names a segment that is not in seed "
            ~ "segment_definitions: " ~ dbt.escape_single_quotes(
                settings.alert_top_segments | join(', ')
            ) ~ "'"
        ) }} is null

),

compared_history as (

    -- The rows of the two dates compared, read once: the history holds
    -- every as-of date.
    select history.*
    from history
    inner join alert_dates
        on
            history.as_of_date = alert_dates.raised_on
            or history.as_of_date = alert_dates.previous_as_of_date

),

current_customers as (

    select
        compared_history.*,
        alert_dates.previous_as_of_date
    from compared_history
    inner join alert_dates
        on compared_history.as_of_date = alert_dates.raised_on

),

previous_customers as (

    select compared_history.*
    from compared_history
    inner join alert_dates
        on compared_history.as_of_date = alert_dates.previous_as_of_date

),

compared as (

    select
        current_customers.customer_id,
        current_customers.segment_name,
        previous_customers.segment_name as previous_segment_name,
        current_customers.segment_rank,
        previous_customers.segment_rank as previous_segment_rank,
        current_customers.recency_days,
        previous_customers.recency_days as previous_recency_days,
        current_customers.last_order_date,
        current_customers.as_of_date as raised_on,
        current_customers.previous_as_of_date
    from current_customers
    left join previous_customers
        on current_customers.customer_id = previous_customers.customer_id

),

aov_dates as (

    select raised_on as as_of_date from alert_dates

    union all

    select previous_as_of_date as as_of_date
    from alert_dates
    where previous_as_of_date is not null

),

orders_in_periods as (

    -- The orders counted on each date whose first line falls in the
    -- var alert_aov_period_days days before it ('recent') or the same
    -- number of days before those ('prior').
    select
        orders.customer_id,
        aov_dates.as_of_date,
        orders.is_purchase,
        orders.net_revenue,
        orders.first_line_at
        >= {{ dbt.dateadd('day', -1 * period_days, 'aov_dates.as_of_date') }}
            as is_recent
    from orders
    inner join aov_dates
        on
            orders.last_line_at < aov_dates.as_of_date
            and orders.first_line_at >= {{ dbt.dateadd(
                'day', -2 * period_days, 'aov_dates.as_of_date'
            ) }}

),

aov_per_period as (

    select
        customer_id,
        as_of_date,
        cast(
            sum(case when is_recent and is_purchase then 1 else 0 end)
            as bigint
        ) as recent_orders,
        cast(
            sum(case when is_recent then net_revenue else 0 end) as double
        ) as recent_revenue,
        cast(
            sum(case when not is_recent and is_purchase then 1 else 0 end)
            as bigint
        ) as prior_orders,
        cast(
            sum(case when is_recent then 0 else net_revenue end) as double
        ) as prior_revenue,
        -- The same revenues exactly, in 1/10,000 of the currency (the
        -- scale of net_revenue), for the reason text: rounded from doubles
        -- a half cent would round one way on DuckDB and the other on Spark.
        cast(
            sum(case when is_recent then net_revenue else 0 end) * 10000
            as decimal(38, 0)
        ) as recent_revenue_units,
        cast(
            sum(case when is_recent then 0 else net_revenue end) * 10000
            as decimal(38, 0)
        ) as prior_revenue_units
    from orders_in_periods
    group by customer_id, as_of_date

),

aov_changes as (

    -- AOV = net revenue of the period's orders / its purchase orders, as
    -- average_order_value. Judged only with purchases in both periods and
    -- a positive AOV before.
    select
        customer_id,
        as_of_date,
        recent_orders,
        prior_orders,
        recent_revenue_units,
        prior_revenue_units,
        (recent_revenue / recent_orders) / (prior_revenue / prior_orders)
        - 1 as aov_change_share
    from aov_per_period
    where
        recent_orders > 0
        and prior_orders > 0
        and prior_revenue > 0

),

aov_compared as (

    select
        compared.customer_id,
        compared.segment_name,
        compared.raised_on,
        compared.previous_as_of_date,
        current_aov.recent_orders,
        current_aov.prior_orders,
        current_aov.recent_revenue_units,
        current_aov.prior_revenue_units,
        current_aov.aov_change_share,
        coalesce(
            previous_aov.aov_change_share < -{{ drop_share }},
            false
        ) as was_dropped
    from compared
    inner join aov_changes as current_aov
        on
            compared.customer_id = current_aov.customer_id
            and compared.raised_on = current_aov.as_of_date
    left join aov_changes as previous_aov
        on
            compared.customer_id = previous_aov.customer_id
            and compared.previous_as_of_date = previous_aov.as_of_date

),

inactive_alerts as (

    select
        customer_id,
        'inactive' as alert_type,
        segment_name,
        'No purchase for ' || cast(recency_days as {{ text }})
        || ' days (inactive after {{ inactive_days }}, lost after '
        || '{{ lost_days }}); last order '
        || cast(last_order_date as {{ text }}) || '.' as reason,
        cast(recency_days as double) as metric_value,
        cast({{ inactive_days }} as double) as threshold_value,
        not coalesce(
            previous_recency_days > {{ inactive_days }}
            and previous_recency_days <= {{ lost_days }},
            false
        ) as is_newly_raised,
        raised_on,
        previous_as_of_date
    from compared
    where
        recency_days > {{ inactive_days }}
        and recency_days <= {{ lost_days }}

),

lost_alerts as (

    select
        customer_id,
        'lost' as alert_type,
        segment_name,
        'No purchase for ' || cast(recency_days as {{ text }})
        || ' days (lost after {{ lost_days }}); last order '
        || cast(last_order_date as {{ text }}) || '.' as reason,
        cast(recency_days as double) as metric_value,
        cast({{ lost_days }} as double) as threshold_value,
        not coalesce(
            previous_recency_days > {{ lost_days }}, false
        ) as is_newly_raised,
        raised_on,
        previous_as_of_date
    from compared
    where recency_days > {{ lost_days }}

),

aov_alerts as (

    select
        customer_id,
        'aov_dropped' as alert_type,
        segment_name,
        'Average order value '
        || {{ rounded_quotient_text(
            'recent_revenue_units', '10000 * recent_orders', 2
        ) }}
        || ' over ' || cast(recent_orders as {{ text }})
        || ' order(s) in the {{ period_days }} days before '
        || cast(raised_on as {{ text }}) || ', down '
        || {{ rounded_quotient_text(
            '100 * (recent_orders * prior_revenue_units'
            ~ ' - recent_revenue_units * prior_orders)',
            'recent_orders * prior_revenue_units',
            1
        ) }}
        || '% from '
        || {{ rounded_quotient_text(
            'prior_revenue_units', '10000 * prior_orders', 2
        ) }}
        || ' over ' || cast(prior_orders as {{ text }})
        || ' order(s) in the {{ period_days }} days before those (alert '
        || 'above {{ drop_share * 100 }}%).' as reason,
        aov_change_share as metric_value,
        cast(-{{ drop_share }} as double) as threshold_value,
        not was_dropped as is_newly_raised,
        raised_on,
        previous_as_of_date
    from aov_compared
    where aov_change_share < -{{ drop_share }}

),

moved_down_alerts as (

    select
        compared.customer_id,
        'moved_down_from_top_segment' as alert_type,
        compared.segment_name,
        'Moved from ' || compared.previous_segment_name || ' (rank '
        || cast(compared.previous_segment_rank as {{ text }}) || ') on '
        || cast(compared.previous_as_of_date as {{ text }}) || ' to '
        || compared.segment_name || ' (rank '
        || cast(compared.segment_rank as {{ text }}) || ') on '
        || cast(compared.raised_on as {{ text }}) || '.' as reason,
        cast(compared.segment_rank as double) as metric_value,
        cast(compared.previous_segment_rank as double) as threshold_value,
        true as is_newly_raised,
        compared.raised_on,
        compared.previous_as_of_date
    from compared
    inner join top_segments
        on compared.previous_segment_name = top_segments.segment_name
    where compared.segment_rank > compared.previous_segment_rank

),

final as (

    select * from inactive_alerts
    union all
    select * from lost_alerts
    union all
    select * from aov_alerts
    union all
    select * from moved_down_alerts

)

select * from final
