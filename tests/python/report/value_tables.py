"""The value model's four published tables, made by hand from a published
demo file's customer_segments with simple formulas (not the model's):
what the report reads, with the names and columns the value marts publish."""

from __future__ import annotations

HORIZON_DAYS = 365
LIKELY_LOST = 0.3  # P(alive) under which a customer counts as likely lost

VALUE_TABLES_SQL = [
    f"""
    create table customer_value_predictions as
    with base as (
        select
            customer_id, segment_name, cluster_name, cluster_id, frequency,
            average_order_value, as_of_date, tenure_days,
            1.0 / (1 + recency_days / 90.0) as p_alive
        from customer_segments
    ),
    predicted as (
        select *, p_alive * frequency * 0.5 as expected_purchases,
            p_alive * frequency * 0.5 * average_order_value * 0.9 as predicted_clv
        from base
    )
    select
        customer_id, segment_name, cluster_name, cluster_id,
        ntile(10) over (order by predicted_clv, customer_id) as value_decile,
        frequency - 1 as repeat_purchases, 0 as first_to_last_days,
        tenure_days as customer_age_days,
        average_order_value as repeat_order_value_mean, p_alive,
        expected_purchases, average_order_value as expected_order_value,
        predicted_clv, p_alive < {LIKELY_LOST} as is_likely_lost, as_of_date
    from predicted
    """,
    f"""
    create table clv_model_parameters as
    select * from (values
        ('bg_nbd', 'r', 'fitted', 0.24), ('bg_nbd', 'alpha', 'fitted', 30.1),
        ('bg_nbd', 'a', 'fitted', 0.79), ('bg_nbd', 'b', 'fitted', 2.43),
        ('clv', 'horizon_days', 'var', {HORIZON_DAYS}),
        ('clv', 'annual_discount_rate', 'var', 0.1)
    ) as parameters (model, parameter, source, value)
    """,
    f"""
    create table segment_value_forecast as
    with customers as (
        select predictions.*, segments.monetary, segments.segment_rank
        from customer_value_predictions as predictions
        inner join customer_segments as segments using (customer_id)
    ),
    grouped as (
        select 'rfm_segment' as segment_type, segment_name,
            min(segment_rank) as segment_rank, * exclude (segment_type, segment_name,
            segment_rank)
        from (
            select 'rfm_segment' as segment_type, segment_name, segment_rank,
                count(*) as customers, sum(expected_purchases) as expected_purchases,
                sum(predicted_clv) as predicted_clv_total,
                avg(predicted_clv) as predicted_clv_mean,
                avg(p_alive) as mean_p_alive,
                count(*) filter (where is_likely_lost) as likely_lost_customers,
                sum(monetary) as revenue_total,
                coalesce(sum(monetary) filter (where is_likely_lost), 0)
                    as likely_lost_revenue
            from customers group by segment_name, segment_rank
        ) group by all
        union all
        select 'cluster', cluster_name, cluster_id, count(*),
            sum(expected_purchases), sum(predicted_clv), avg(predicted_clv),
            avg(p_alive), count(*) filter (where is_likely_lost), sum(monetary),
            coalesce(sum(monetary) filter (where is_likely_lost), 0)
        from customers group by cluster_name, cluster_id
    )
    select *,
        predicted_clv_total / sum(predicted_clv_total)
            over (partition by segment_type) as predicted_clv_share,
        likely_lost_customers / customers as likely_lost_share,
        {LIKELY_LOST} as likely_lost_p_alive_threshold
    from grouped
    """,
    """
    create table clv_holdout_validation as
    with buckets as (
        select
            case when frequency - 1 >= 3 then '3+'
                else cast(frequency - 1 as varchar) end as frequency_bucket,
            least(frequency - 1, 3) as bucket_order,
            frequency * 0.3 as predicted, frequency * 0.28 as actual
        from customer_segments
    ),
    grouped as (
        select frequency_bucket, bucket_order, count(*) as customers,
            sum(predicted) as predicted_purchases, sum(actual) as actual_purchases,
            false as is_total
        from buckets group by all
        union all
        select 'all', 4, count(*), sum(predicted), sum(actual), true from buckets
    )
    select *,
        predicted_purchases / customers as mean_predicted_purchases,
        actual_purchases / customers as mean_actual_purchases,
        predicted_purchases - actual_purchases as purchase_error,
        (predicted_purchases - actual_purchases) / actual_purchases
            as purchase_error_share,
        0.8 as mean_absolute_error, 0.61 as correlation, 180 as holdout_days,
        date '2011-06-13' as calibration_date, date '2011-12-10' as holdout_end_date
    from grouped
    """,
    """
    create table segment_churn as
    with dates as (
        select distinct as_of_date from customer_segment_history
    ),
    periods as (
        select as_of_date, lag(as_of_date) over (order by as_of_date)
            as previous_as_of_date
        from dates
    )
    select
        '(all customers)' as segment_name, null::integer as segment_rank,
        1000 as active_customers,
        (year(as_of_date) - 2009) * 20 + month(as_of_date) as churned_customers,
        churned_customers / 1000 as churn_rate,
        date_diff('day', previous_as_of_date, as_of_date) as period_days,
        churn_rate * 30.4375 / period_days as monthly_churn_rate,
        0.05 as monthly_churn_threshold, true as is_all_customers,
        monthly_churn_rate > 0.05 as is_above_threshold,
        as_of_date = max(as_of_date) over () as is_current_as_of_date,
        previous_as_of_date, as_of_date
    from periods where previous_as_of_date is not null
    """,
]
