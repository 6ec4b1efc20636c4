-- Each customer and as-of date of the history with the segment its (R, FM)
-- cell maps to in seed segment_rules, as int_customers_segmented does for
-- the current as-of date.
with

customers as (

    select * from {{ ref('int_customers_rfm_history_scored') }}

),

segment_rules as (

    select * from {{ ref('segment_rules') }}

),

segment_definitions as (

    select * from {{ ref('segment_definitions') }}

),

matched as (

    select
        customers.*,
        segment_rules.rule_id,
        segment_rules.segment_name
    from customers
    left join segment_rules
        on
            customers.r_score
            between segment_rules.r_score_min and segment_rules.r_score_max
            and customers.fm_score
            between segment_rules.fm_score_min and segment_rules.fm_score_max

),

final as (

    select
        matched.customer_id,
        matched.as_of_date,
        matched.segment_name,
        cast(matched.r_score as {{ dbt.type_string() }})
        || cast(matched.f_score as {{ dbt.type_string() }})
        || cast(matched.m_score as {{ dbt.type_string() }}) as rfm_cell,
        matched.rule_id,
        segment_definitions.segment_rank,
        matched.r_score,
        matched.f_score,
        matched.m_score,
        matched.fm_score,
        matched.recency_days,
        matched.frequency,
        matched.repeat_frequency,
        matched.return_only_orders,
        matched.monetary,
        matched.gross_revenue,
        matched.returned_amount,
        matched.average_order_value,
        matched.tenure_days,
        matched.first_order_date,
        matched.last_order_date
    from matched
    left join segment_definitions
        on matched.segment_name = segment_definitions.segment_name

)

select * from final
