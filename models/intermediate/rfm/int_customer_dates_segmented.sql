-- Each customer and as-of date with the named segment its (R, FM) cell falls
-- in, read from the editable rule map (seed segment_rules). A customer whose
-- cell no rule covers is kept, with a null segment, and fails the tests.
{%- set buckets = rfm_buckets() %}

with

customers as (

    select * from {{ ref('int_customer_dates_scored') }}

),

segment_rules as (

    select * from {{ ref('segment_rules') }}

),

segment_definitions as (

    select * from {{ ref('segment_definitions') }}

),

scores as (

    {{ dbt.generate_series(buckets) }}

),

score_cells as (

    -- Every (R, FM) cell of the score grid with the rules whose ranges hold
    -- it: customers then find their rule by an equality join.
    select
        r_scores.generated_number as r_score,
        fm_scores.generated_number as fm_score,
        segment_rules.rule_id,
        segment_rules.segment_name
    from scores as r_scores
    cross join scores as fm_scores
    inner join segment_rules
        on
            r_scores.generated_number
            between segment_rules.r_score_min and segment_rules.r_score_max
            and fm_scores.generated_number
            between segment_rules.fm_score_min and segment_rules.fm_score_max

),

matched as (

    select
        customers.*,
        score_cells.rule_id,
        score_cells.segment_name
    from customers
    left join score_cells
        on
            customers.r_score = score_cells.r_score
            and customers.fm_score = score_cells.fm_score

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
