-- Every cluster name of every rule set (seed cluster_naming_rules) has one
-- persona, strategy and KPIs in seed cluster_playbook, and the playbook has
-- no name the rules cannot give. Fails with each name missing on one side.
with

naming_rules as (

    select * from {{ ref('cluster_naming_rules') }}

),

cluster_playbook as (

    select * from {{ ref('cluster_playbook') }}

),

rule_names as (

    select distinct
        rule_set,
        name as cluster_name
    from naming_rules

),

playbook_names as (

    select
        rule_set,
        cluster_name,
        count(*) as playbook_rows
    from cluster_playbook
    group by rule_set, cluster_name

),

validation_errors as (

    select
        coalesce(rule_names.rule_set, playbook_names.rule_set) as rule_set,
        coalesce(rule_names.cluster_name, playbook_names.cluster_name)
            as cluster_name,
        coalesce(playbook_names.playbook_rows, 0) as playbook_rows,
        case
            when playbook_names.cluster_name is null
                then 'cluster name has no row in seed cluster_playbook'
            when rule_names.cluster_name is null
                then 'seed cluster_playbook names a cluster no rule gives'
            else 'cluster name has several rows in seed cluster_playbook'
        end as failure_reason
    from rule_names
    full outer join playbook_names
        on
            rule_names.rule_set = playbook_names.rule_set
            and rule_names.cluster_name = playbook_names.cluster_name
    where
        rule_names.cluster_name is null
        or playbook_names.cluster_name is null
        or playbook_names.playbook_rows != 1

)

select * from validation_errors
