{#
    Quality gate: every customer of `population` (a ref) is in exactly one
    cluster of the model, and the model has no customer the population
    lacks. `column_name` is the customer id, the same column in both.
    Fails with each customer that is missing, extra, repeated or has no
    `cluster_column`, with a failure_reason.
    Severity: var `cluster_gate_severity`.
#}
{% test expect_cluster_per_customer_once(
    model, column_name, population, cluster_column='cluster_id'
) %}
{{ config(severity=settings().cluster_gate_severity) }}
{%- set text = dbt.type_string() %}

with

assignments as (

    select
        {{ column_name }} as customer_id,
        count(*) as assignments,
        count({{ cluster_column }}) as clusters_assigned
    from {{ model }}
    group by {{ column_name }}

),

population as (

    select distinct {{ column_name }} as customer_id
    from {{ population }}

),

validation_errors as (

    select
        coalesce(population.customer_id, assignments.customer_id)
            as customer_id,
        coalesce(assignments.assignments, 0) as assignments,
        coalesce(assignments.clusters_assigned, 0) as clusters_assigned,
        population.customer_id is not null as is_in_population,
        'customer ' || coalesce(population.customer_id, assignments.customer_id)
        || case
            when assignments.customer_id is null
                then ' has no row in the clusters'
            when population.customer_id is null
                then ' has clusters but is not a customer of the population'
            when assignments.clusters_assigned <> assignments.assignments
                then ' has a row without a cluster'
            else ' has ' || cast(assignments.assignments as {{ text }})
                || ' rows, 1 expected'
        end as failure_reason
    from population
    full outer join assignments
        on population.customer_id = assignments.customer_id
    where
        population.customer_id is null
        or assignments.customer_id is null
        or assignments.assignments <> 1
        or assignments.clusters_assigned <> 1

)

select * from validation_errors
{% endtest %}
