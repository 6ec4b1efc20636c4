{#
    Quality gate: the chosen k (the row where `chosen_column` is true) has a
    bootstrap stability (`column_name`, mean adjusted Rand index, -1..1) of
    at least `min_ari`, so the segments do not change with a resample of the
    customers. Fails with the chosen row when it is lower or missing.
    Severity: var `cluster_gate_severity`.
#}
{% test expect_chosen_k_stability_at_least(
    model, column_name, min_ari, chosen_column='is_chosen'
) %}
{{ config(severity=var('cluster_gate_severity', 'error')) }}

with

chosen as (

    select
        k,
        {{ column_name }} as stability_ari
    from {{ model }}
    where {{ chosen_column }}

),

validation_errors as (

    select
        k,
        stability_ari,
        {{ min_ari }} as min_ari
    from chosen
    where stability_ari is null or stability_ari < {{ min_ari }}

)

select * from validation_errors
{% endtest %}
