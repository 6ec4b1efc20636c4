-- The rule map (seed segment_rules) spread over the cells of the score grid:
-- one row per (R, FM) cell and rule whose ranges hold it, with the
-- segment's rank. Customers find their segment by an equality join on the
-- cell, on every as-of date (int_customer_dates_segmented) and on the
-- current one (int_customers_segmented). A cell no rule covers has no row;
-- one that several rules cover has several (the seed's tests reject both).
{%- set buckets = settings().rfm_buckets %}

with

segment_rules as (

    select * from {{ ref('segment_rules') }}

),

segment_definitions as (

    select * from {{ ref('segment_definitions') }}

),

scores as (

    {{ dbt.generate_series(buckets) }}

),

cells as (

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

final as (

    select
        cast(cells.r_score as bigint) as r_score,
        cast(cells.fm_score as integer) as fm_score,
        cells.rule_id,
        cells.segment_name,
        segment_definitions.segment_rank
    from cells
    left join segment_definitions
        on cells.segment_name = segment_definitions.segment_name

)

select * from final
