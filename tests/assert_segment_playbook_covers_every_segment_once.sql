-- Every segment the project can produce has exactly one row in seed
-- segment_playbook: each RFM segment of segment_definitions and each name
-- of every rule set of cluster_naming_rules (a suffixed cluster name such as
-- "Champions 2" uses its rule's row). Playbook rows for segments that do
-- not exist (a typo, a renamed segment) fail too. Fails with each segment
-- and how many playbook rows it has.
with

coverage as (

    select * from {{ ref('segment_playbook_coverage') }}

),

validation_errors as (

    select
        segment_type,
        naming_rule_set,
        segment_name,
        playbook_rows,
        is_produced
    from coverage
    where not is_produced or playbook_rows != 1

)

select * from validation_errors
