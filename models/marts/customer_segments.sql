-- One row per scored customer: RFM figures, scores and named segment as of
-- the as-of date. The table dashboards and CRM syncs read.
with

customers as (

    select * from {{ ref('int_customers_segmented') }}

),

final as (

    select
        customer_id,
        segment_name,
        rfm_cell,
        segment_rank,
        r_score,
        f_score,
        m_score,
        fm_score,
        recency_days,
        frequency,
        repeat_frequency,
        monetary,
        gross_revenue,
        returned_amount,
        average_order_value,
        tenure_days,
        first_order_date,
        last_order_date,
        as_of_date
    from customers

)

select * from final
