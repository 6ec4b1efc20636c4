{#
    Quality gate: the chosen k (the row where `chosen_column` is true) has a
    silhouette (`column_name`, -1..1) of at least `min_silhouette`, so the
    clusters are separated rather than cuts through one blob. Fails with the
    chosen row when its silhouette is lower or missing.
    Severity: var `cluster_gate_severity`.
#}
{% test expect_chosen_k_silhouette_at_least(
    model, column_name, min_silhouette, chosen_column='is_chosen'
) %}
{{ config(severity=var('cluster_gate_severity', 'error')) }}

with

chosen as (

    select
        k,
        {{ column_name }} as silhouette
    from {{ model }}
    where {{ chosen_column }}

),

validation_errors as (

    select
        k,
        silhouette,
        {{ min_silhouette }} as min_silhouette
    from chosen
    where silhouette is null or silhouette < {{ min_silhouette }}

)

select * from validation_errors
{% endtest %}
