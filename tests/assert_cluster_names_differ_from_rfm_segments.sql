-- Cluster names (seed cluster_naming_rules) never reuse an RFM segment name
-- (seed segment_definitions), whole or as words inside a longer name: the
-- two segmentations stand side by side in the marts and the report, and one
-- name must not mean two different groups of customers.
with

naming_rules as (

    select * from {{ ref('cluster_naming_rules') }}

),

segment_definitions as (

    select * from {{ ref('segment_definitions') }}

),

validation_errors as (

    select
        naming_rules.rule_set,
        naming_rules.name as cluster_name,
        segment_definitions.segment_name,
        'cluster name ' || naming_rules.name || ' (rule set '
        || naming_rules.rule_set || ') reuses the RFM segment name '
        || segment_definitions.segment_name
        || ': rename it in seeds cluster_naming_rules and cluster_playbook'
            as failure_reason
    from naming_rules
    cross join segment_definitions
    where
        ' ' || lower(naming_rules.name) || ' '
        like '% ' || lower(segment_definitions.segment_name) || ' %'

)

select * from validation_errors
