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
{%- set min_customers = cluster_gate_threshold(
    min_customers, 'min_cluster_customers'
) %}
{%- set min_share = cluster_gate_threshold(min_share, 'min_cluster_share') %}
{%- set text = dbt.type_string() %}
{%- set observed -%}
    'cluster ' || cast(cluster_id as {{ text }}) || ' holds '
    || cast(customers as {{ text }}) || ' customers ('
    || {{ percent_text('customers', 'all_customers') }} || '% of all)'
{%- endset %}

with

{{ cluster_sizes(model, column_name) }},

shares as (

    select
        cluster_sizes.cluster_id,
        cluster_sizes.customers,
        cluster_sizes.customers * 1.0 / totals.customers as customer_share,
        {{ min_customers }} as min_customers,
        {{ min_share }} as min_share,
        totals.customers as all_customers
    from cluster_sizes
    cross join totals

),

validation_errors as (

    {#- Too few customers is said first: it is the threshold that binds on
        a small base. -#}
    {{ bound_errors(
        'shares', 'customer_share', observed,
        columns=[
            'cluster_id', 'customers', 'customer_share', 'min_customers',
            'min_share'
        ],
        min_value=min_share,
        min_name='var clustering.min_cluster_share',
        or_when='customers < ' ~ min_customers,
        or_reason=observed ~ " || ', below var clustering."
            ~ "min_cluster_customers = " ~ min_customers ~ "'"
    ) }}

)

select * from validation_errors
{% endtest %}
