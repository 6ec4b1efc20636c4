-- One row per segment the project can produce (each RFM segment of
-- segment_definitions, each name of every rule set of cluster_naming_rules,
-- each tier of value_tiers) and per playbook row, with how many playbook
-- rows it has. From the seeds, not from the segments of this build: every
-- rule set is checked, not only the one the build names its clusters by.
-- Ephemeral: it only feeds test
-- assert_segment_playbook_covers_every_segment_once, and through it that
-- test hangs on no seed directly, so a build of the cluster marts alone
-- (make personality) does not select it without the playbook.
{{ config(materialized='ephemeral') }}

with

segment_definitions as (

    select * from {{ ref('segment_definitions') }}

),

cluster_naming_rules as (

    select * from {{ ref('cluster_naming_rules') }}

),

value_tiers as (

    select * from {{ ref('value_tiers') }}

),

segment_playbook as (

    select * from {{ ref('segment_playbook') }}

),

produced_segments as (

    select
        'rfm_segment' as segment_type,
        '' as naming_rule_set,
        segment_name
    from segment_definitions

    union all

    select distinct
        'cluster' as segment_type,
        rule_set as naming_rule_set,
        name as segment_name
    from cluster_naming_rules

    union all

    select
        'value_tier' as segment_type,
        '' as naming_rule_set,
        tier_name as segment_name
    from value_tiers

),

playbook_rows as (

    select
        segment_type,
        coalesce(naming_rule_set, '') as naming_rule_set,
        segment_name,
        count(*) as playbook_rows
    from segment_playbook
    group by segment_type, coalesce(naming_rule_set, ''), segment_name

),

final as (

    select
        coalesce(produced_segments.segment_type, playbook_rows.segment_type)
            as segment_type,
        coalesce(
            produced_segments.naming_rule_set, playbook_rows.naming_rule_set
        ) as naming_rule_set,
        coalesce(produced_segments.segment_name, playbook_rows.segment_name)
            as segment_name,
        coalesce(playbook_rows.playbook_rows, 0) as playbook_rows,
        produced_segments.segment_name is not null as is_produced
    from produced_segments
    full outer join playbook_rows
        on
            produced_segments.segment_type = playbook_rows.segment_type
            and produced_segments.naming_rule_set
            = playbook_rows.naming_rule_set
            and produced_segments.segment_name = playbook_rows.segment_name

)

select * from final
