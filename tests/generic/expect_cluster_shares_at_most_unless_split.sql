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
{%- set limit = cluster_gate_threshold(max_share, 'max_cluster_share') %}
{%- set text = dbt.type_string() %}
{%- set observed -%}
    'cluster ' || cast(cluster_id as {{ text }}) || ' holds '
    || {{ percent_text('customers', 'all_customers') }}
    || '% of the customers'
{%- endset %}

with

{{ cluster_sizes(model, column_name, sub_cluster_column) }},

unsplit_clusters as (

    select
        cluster_sizes.cluster_id,
        cluster_sizes.customers,
        cluster_sizes.customers_in_sub_clusters,
        cluster_sizes.customers * 1.0 / totals.customers as customer_share,
        {{ limit }} as max_share,
        totals.customers as all_customers
    from cluster_sizes
    cross join totals
    where cluster_sizes.customers_in_sub_clusters < cluster_sizes.customers

),

validation_errors as (

    {{ bound_errors(
        'unsplit_clusters', 'customer_share', observed,
        columns=[
            'cluster_id', 'customers', 'customers_in_sub_clusters',
            'customer_share', 'max_share'
        ],
        max_value=limit,
        max_name='var clustering.max_cluster_share',
        tail="', and was not split into sub-clusters'"
    ) }}

)

select * from validation_errors
{% endtest %}
