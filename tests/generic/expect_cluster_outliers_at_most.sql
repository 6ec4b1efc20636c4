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
{%- set max_share = cluster_gate_threshold(max_share, 'max_outlier_share') %}
{%- set text = dbt.type_string() %}
{%- set observed -%}
    cast(outliers as {{ text }}) || ' of ' || cast(customers as {{ text }})
    || ' customers (' || {{ percent_text('outliers', 'customers', 2) }}
    || '%) are outliers'
{%- endset %}

with

totals as (

    select
        count(*) as customers,
        count(case when {{ column_name }} then 1 end) as outliers
    from {{ model }}

),

shares as (

    select
        *,
        outliers * 1.0 / nullif(customers, 0) as outlier_share
    from totals

),

validation_errors as (

    {{ bound_errors(
        'shares', 'outlier_share', observed,
        columns=['*', max_share ~ ' as max_share'],
        max_value=max_share,
        max_name='var clustering.max_outlier_share'
    ) }}

)

select * from validation_errors
{% endtest %}
