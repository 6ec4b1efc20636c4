{#
    Quality gate: at most `max_share` (0..1) of the customers are outliers
    (`column_name` true), so the clusters are fitted on the customers and
    not on a remnant of them. Defaults to var
    clustering.max_outlier_share, which the run's outlier rule never
    exceeds. Put on a table with one row per customer. Fails with the
    counts and a failure_reason. Severity: var `cluster_gate_severity`.
#}
{% test expect_cluster_outliers_at_most(model, column_name, max_share=none) %}
{{ config(severity=settings().cluster_gate_severity) }}
{%- if max_share is none %}
    {%- set max_share = clustering_settings()['max_outlier_share'] %}
{%- endif %}
{%- set text = dbt.type_string() %}

with

totals as (

    select
        count(*) as customers,
        count(case when {{ column_name }} then 1 end) as outliers
    from {{ model }}

),

validation_errors as (

    select
        customers,
        outliers,
        outliers * 1.0 / customers as outlier_share,
        {{ max_share }} as max_share,
        cast(outliers as {{ text }}) || ' of '
        || cast(customers as {{ text }}) || ' customers ('
        || cast(round(100.0 * outliers / customers, 2) as {{ text }})
        || '%) are outliers, above var clustering.max_outlier_share = '
        || '{{ max_share }}' as failure_reason
    from totals
    where outliers * 1.0 / nullif(customers, 0) > {{ max_share }}

)

select * from validation_errors
{% endtest %}
