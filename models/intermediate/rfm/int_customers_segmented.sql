-- Each customer scored on the current as-of date (int_customers_rfm_scored,
-- the dated chain's current date) with the named segment its (R, FM) cell
-- falls in (int_segment_cells), as int_customer_dates_segmented gives it on
-- every date. Read from the current date's scores, so that only they are
-- joined to the cells.
with

customers as (

    select * from {{ ref('int_customers_rfm_scored') }}

),

segment_cells as (

    select * from {{ ref('int_segment_cells') }}

),

final as (

    select
        customers.customer_id,
        segment_cells.segment_name,
        cast(customers.r_score as {{ dbt.type_string() }})
        || cast(customers.f_score as {{ dbt.type_string() }})
        || cast(customers.m_score as {{ dbt.type_string() }}) as rfm_cell,
        segment_cells.rule_id,
        segment_cells.segment_rank,
        customers.r_score,
        customers.f_score,
        customers.m_score,
        customers.fm_score,
        customers.recency_days,
        customers.frequency,
        customers.repeat_frequency,
        customers.return_only_orders,
        customers.monetary,
        customers.gross_revenue,
        customers.returned_amount,
        customers.average_order_value,
        customers.tenure_days,
        customers.first_order_date,
        customers.last_order_date,
        customers.as_of_date
    from customers
    left join segment_cells
        on
            customers.r_score = segment_cells.r_score
            and customers.fm_score = segment_cells.fm_score

)

select * from final
