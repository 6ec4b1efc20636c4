{#
    Quality gate: every cluster holds at least `min_customers` customers
    and at least `min_share` (0..1) of all customers, so no segment is too
    small to act on. Put on a table with one row per customer and its
    cluster in `column_name`. Fails with each cluster that is too small.
    Severity: var `cluster_gate_severity`.
#}
{% test expect_cluster_sizes_at_least(
    model, column_name, min_customers, min_share
) %}
{{ config(severity=var('cluster_gate_severity', 'error')) }}

with

cluster_sizes as (

    select
        {{ column_name }} as cluster_id,
        count(*) as customers
    from {{ model }}
    group by {{ column_name }}

),

totals as (

    select sum(customers) as customers from cluster_sizes

),

validation_errors as (

    select
        cluster_sizes.cluster_id,
        cluster_sizes.customers,
        cluster_sizes.customers * 1.0 / totals.customers as customer_share,
        {{ min_customers }} as min_customers,
        {{ min_share }} as min_share
    from cluster_sizes
    cross join totals
    where
        cluster_sizes.customers < {{ min_customers }}
        or cluster_sizes.customers * 1.0 / totals.customers < {{ min_share }}

)

select * from validation_errors
{% endtest %}
