-- Each customer scored on the current as-of date with the named segment its
-- (R, FM) cell falls in: that date's rows of the dated chain
-- (int_customer_dates_segmented), one per scored customer.
with

customer_dates as (

    select * from {{ ref('int_customer_dates_segmented') }}

),

as_of_dates as (

    select * from {{ ref('int_as_of_dates_resolved') }}

),

final as (

    select
        customer_dates.customer_id,
        customer_dates.segment_name,
        customer_dates.rfm_cell,
        customer_dates.rule_id,
        customer_dates.segment_rank,
        customer_dates.r_score,
        customer_dates.f_score,
        customer_dates.m_score,
        customer_dates.fm_score,
        customer_dates.recency_days,
        customer_dates.frequency,
        customer_dates.repeat_frequency,
        customer_dates.return_only_orders,
        customer_dates.monetary,
        customer_dates.gross_revenue,
        customer_dates.returned_amount,
        customer_dates.average_order_value,
        customer_dates.tenure_days,
        customer_dates.first_order_date,
        customer_dates.last_order_date,
        customer_dates.as_of_date
    from customer_dates
    inner join as_of_dates
        on customer_dates.as_of_date = as_of_dates.as_of_date

)

select * from final
