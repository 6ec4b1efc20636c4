{#
    Quality gate: every cluster holds at least `min_customers` customers
    and at least `min_share` (0..1) of all customers, so no segment is too
    small to act on. Both default to var clustering (min_cluster_customers,
    min_cluster_share), the thresholds the choice of k already meets. Put on
    a table with one row per customer and its cluster in `column_name`.
    Fails with each cluster that is too small and a failure_reason.
    Severity: var `cluster_gate_severity`.
#}
{% test expect_cluster_sizes_at_least(
    model, column_name, min_customers=none, min_share=none
) %}
{{ config(severity=settings().cluster_gate_severity) }}
{%- set settings = clustering_settings() %}
{%- if min_customers is none %}
    {%- set min_customers = settings['min_cluster_customers'] %}
{%- endif %}
{%- if min_share is none %}
    {%- set min_share = settings['min_cluster_share'] %}
{%- endif %}
{%- set text = dbt.type_string() %}

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
        {{ min_share }} as min_share,
        'cluster ' || cast(cluster_sizes.cluster_id as {{ text }})
        || ' holds ' || cast(cluster_sizes.customers as {{ text }})
        || ' customers ('
        || cast(
            round(100.0 * cluster_sizes.customers / totals.customers, 1)
            as {{ text }}
        )
        || '% of all), below var clustering.'
        || case
            when cluster_sizes.customers < {{ min_customers }}
                then 'min_cluster_customers = {{ min_customers }}'
            else 'min_cluster_share = {{ min_share }}'
        end as failure_reason
    from cluster_sizes
    cross join totals
    where
        cluster_sizes.customers < {{ min_customers }}
        or cluster_sizes.customers * 1.0 / totals.customers < {{ min_share }}

)

select * from validation_errors
{% endtest %}
