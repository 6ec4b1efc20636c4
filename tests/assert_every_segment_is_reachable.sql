-- Every segment in segment_definitions can be reached: at least one score
-- cell leads to it (some widely copied maps have segments no customer can
-- ever enter). Fails with each unreachable segment.
with

segment_definitions as (

    select * from {{ ref('segment_definitions') }}

),

segment_rules as (

    select * from {{ ref('segment_rules') }}

),

reachable_segments as (

    select distinct segment_name
    from segment_rules
    where
        r_score_min <= r_score_max
        and fm_score_min <= fm_score_max
        and r_score_max >= 1
        and r_score_min <= {{ settings().rfm_buckets }}
        and fm_score_max >= 1
        and fm_score_min <= {{ settings().rfm_buckets }}

),

validation_errors as (

    select segment_definitions.segment_name
    from segment_definitions
    left join reachable_segments
        on segment_definitions.segment_name = reachable_segments.segment_name
    where reachable_segments.segment_name is null

)

select * from validation_errors
