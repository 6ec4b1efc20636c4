{#
    Quality gate: the chosen k (the row where `chosen_column` is true) has a
    figure (`column_name`, e.g. silhouette or stability_ari) of at least the
    K-means setting `setting` of var clustering (e.g. min_silhouette), the
    threshold the choice of k already meets when any k of the business
    range can. A null setting checks nothing. Fails with the chosen row when
    its figure is lower or missing; the failure_reason adds why that k was
    chosen, which lists every k's figures against the thresholds when none
    meets them all. Severity: var `cluster_gate_severity`.
#}
{% test expect_chosen_k_at_least(
    model,
    column_name,
    setting,
    chosen_column='is_chosen',
    reason_column='chosen_k_reason'
) %}
{{ config(severity=settings().cluster_gate_severity) }}
{%- set threshold = clustering_settings()[setting] %}
{%- set floor = 'null' if threshold is none else threshold %}
{%- set text = dbt.type_string() %}

with

chosen as (

    select
        k,
        {{ column_name }} as figure,
        {{ reason_column }} as chosen_k_reason
    from {{ model }}
    where {{ chosen_column }}

),

validation_errors as (

    select
        k,
        figure as {{ column_name }},
        {{ floor }} as threshold,
        'the chosen k = ' || cast(k as {{ text }}) || ' has '
        || '{{ column_name }} '
        || coalesce(cast(round(figure, 3) as {{ text }}), 'unmeasured')
        || ', below var clustering.{{ setting }} = {{ floor }}; '
        || coalesce(chosen_k_reason, '') as failure_reason
    from chosen
    where
        -- A null threshold compares as null: nothing to check.
        {{ floor }} is not null
        and (figure is null or figure < {{ floor }})

)

select * from validation_errors
{% endtest %}
