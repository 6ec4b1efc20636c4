-- One row per customer and as-of date of the history: RFM figures, scores
-- and named segment as they stood then, from the orders placed before the
-- date. The row of the current as-of date equals customer_segments.
with

customers as (

    select * from {{ ref('int_customer_dates_segmented') }}

),

as_of_dates as (

    select * from {{ ref('int_history_as_of_dates_resolved') }}

),

final as (

    select
        customers.customer_id,
        customers.segment_name,
        customers.rfm_cell,
        customers.segment_rank,
        customers.r_score,
        customers.f_score,
        customers.m_score,
        customers.fm_score,
        customers.recency_days,
        customers.frequency,
        customers.repeat_frequency,
        customers.monetary,
        customers.gross_revenue,
        customers.returned_amount,
        customers.average_order_value,
        customers.tenure_days,
        as_of_dates.is_current_as_of_date,
        customers.first_order_date,
        customers.last_order_date,
        customers.as_of_date
    from customers
    inner join as_of_dates
        on customers.as_of_date = as_of_dates.as_of_date

)

select * from final
