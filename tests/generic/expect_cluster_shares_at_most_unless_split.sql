{#
    Quality gate: no cluster holds more than `max_share` (0..1) of the
    customers unless it was split into sub-clusters (every customer of it
    has a `sub_cluster_column`), so one catch-all segment cannot swallow the
    base. `max_share` defaults to var clustering.max_cluster_share, the
    share above which the run splits a cluster (null: no limit, the test
    passes). Put on a table with one row per customer and its cluster in
    `column_name`. Fails with each oversized cluster that was not split.
    Severity: var `cluster_gate_severity`.
#}
{% test expect_cluster_shares_at_most_unless_split(
    model, column_name, max_share=none, sub_cluster_column='sub_cluster_id'
) %}
{{ config(severity=settings().cluster_gate_severity) }}
{%- if max_share is none %}
    {%- set max_share = clustering_settings()['max_cluster_share'] %}
{%- endif %}
{%- set limit = 'null' if max_share is none else max_share %}
{%- set text = dbt.type_string() %}

with

cluster_sizes as (

    select
        {{ column_name }} as cluster_id,
        count(*) as customers,
        count({{ sub_cluster_column }}) as customers_in_sub_clusters
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
        cluster_sizes.customers_in_sub_clusters,
        cluster_sizes.customers * 1.0 / totals.customers as customer_share,
        {{ limit }} as max_share,
        'cluster ' || cast(cluster_sizes.cluster_id as {{ text }})
        || ' holds '
        || cast(
            round(100.0 * cluster_sizes.customers / totals.customers, 1)
            as {{ text }}
        )
        || '% of the customers, above var clustering.max_cluster_share = '
        || '{{ limit }}, and was not split into sub-clusters'
            as failure_reason
    from cluster_sizes
    cross join totals
    where
        -- A null limit compares as null: no cluster is too large.
        cluster_sizes.customers * 1.0 / totals.customers > {{ limit }}
        and cluster_sizes.customers_in_sub_clusters < cluster_sizes.customers

)

select * from validation_errors
{% endtest %}
