-- One row per segment of each segmentation in int_segment_assignments, with
-- its customers: the segments some customer is in, and those a rule map
-- defines that no customer is in (customers 0): every RFM segment of seed
-- segment_definitions, every tier of seed value_tiers. What campaign and
-- audience marts list, so that their rows do not come and go with the data
-- (an audience that empties still gets its removals exported).
{%- set built = segmentations() %}

with

assignments as (

    select * from {{ ref('int_segment_assignments') }}

),
{%- if 'rfm_segment' in built %}

segment_definitions as (

    select * from {{ ref('segment_definitions') }}

),
{%- endif %}
{%- if 'value_tier' in built %}

value_tiers as (

    select * from {{ ref('value_tiers') }}

),
{%- endif %}

assigned as (

    select
        segment_type,
        segment_name,
        segment_rule_name,
        response_source,
        cluster_id,
        segment_rank,
        count(*) as customers
    from assignments
    group by
        segment_type,
        segment_name,
        segment_rule_name,
        response_source,
        cluster_id,
        segment_rank

),

defined as (

    select
        segment_type,
        segment_name,
        segment_rank
    from assigned
    {%- if 'rfm_segment' in built %}

    union all

    select
        'rfm_segment' as segment_type,
        segment_name,
        segment_rank
    from segment_definitions
    {%- endif %}
    {%- if 'value_tier' in built %}

    union all

    select
        'value_tier' as segment_type,
        tier_name as segment_name,
        tier_rank as segment_rank
    from value_tiers
    {%- endif %}

),

segments as (

    select distinct
        segment_type,
        segment_name,
        segment_rank
    from defined

),

final as (

    select
        segments.segment_type,
        segments.segment_name,
        coalesce(assigned.segment_rule_name, segments.segment_name)
            as segment_rule_name,
        assigned.response_source,
        assigned.cluster_id,
        cast(segments.segment_rank as integer) as segment_rank,
        cast(coalesce(assigned.customers, 0) as integer) as customers
    from segments
    left join assigned
        on
            segments.segment_type = assigned.segment_type
            and segments.segment_name = assigned.segment_name

)

select * from final
