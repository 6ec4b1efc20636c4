-- The rule map is data, so it is tested like data: each of the 125 (R, F, M)
-- score cells falls under exactly one rule. Fails with each cell that no rule
-- or several rules cover.
{%- set score_rows = [] %}
{%- for score in range(1, settings().rfm_buckets + 1) %}
    {%- do score_rows.append('(' ~ score ~ ')') %}
{%- endfor %}
{%- set score_rows = score_rows | join(', ') %}

with

segment_rules as (

    select * from {{ ref('segment_rules') }}

),

scores as (

    select score_values.score
    from (values {{ score_rows }}) as score_values (score)

),

score_cells as (

    select
        r_scores.score as r_score,
        f_scores.score as f_score,
        m_scores.score as m_score,
        {{ fm_score('f_scores.score', 'm_scores.score') }} as fm_score
    from scores as r_scores
    cross join scores as f_scores
    cross join scores as m_scores

),

matches as (

    select
        score_cells.r_score,
        score_cells.f_score,
        score_cells.m_score,
        count(segment_rules.rule_id) as matching_rules
    from score_cells
    left join segment_rules
        on
            score_cells.r_score
            between segment_rules.r_score_min and segment_rules.r_score_max
            and score_cells.fm_score
            between segment_rules.fm_score_min and segment_rules.fm_score_max
    group by score_cells.r_score, score_cells.f_score, score_cells.m_score

),

validation_errors as (

    select *
    from matches
    where matching_rules != 1

)

select * from validation_errors
