-- Each customer and as-of date with the named segment its (R, FM) cell falls
-- in (int_segment_cells, from the editable rule map). A customer whose cell
-- no rule covers is kept, with a null segment, and fails the tests.
-- Incremental: a refresh (var refresh_from_stored) recomputes only the
-- dates macro refreshed_as_of_dates names, from the dates model above.
{{ as_of_date_incremental_config() }}

with

customers as (

    select * from {{ ref('int_customer_dates_scored') }}
    {%- if is_incremental() %}
    where as_of_date in ({{ refreshed_as_of_dates() }})
    {%- endif %}

),

segment_cells as (

    select * from {{ ref('int_segment_cells') }}

),

final as (

    select
        customers.customer_id,
        customers.as_of_date,
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
        customers.last_order_date
    from customers
    left join segment_cells
        on
            customers.r_score = segment_cells.r_score
            and customers.fm_score = segment_cells.fm_score

)

select * from final
