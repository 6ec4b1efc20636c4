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
{%- set floor = cluster_gate_threshold(none, setting) %}
{%- set text = dbt.type_string() %}
{%- set observed -%}
    'the chosen k = ' || cast(k as {{ text }}) || ' has {{ column_name }} '
    || coalesce(cast(round({{ column_name }}, 3) as {{ text }}), 'unmeasured')
{%- endset %}

with

chosen as (

    select
        k,
        {{ column_name }},
        {{ floor }} as threshold,
        {{ reason_column }} as chosen_k_reason
    from {{ model }}
    where {{ chosen_column }}

),

validation_errors as (

    {{ bound_errors(
        'chosen', column_name, observed,
        columns=['k', column_name, 'threshold'],
        min_value=floor,
        min_name='var clustering.' ~ setting,
        missing_fails=true,
        tail="'; ' || coalesce(chosen_k_reason, '')"
    ) }}

)

select * from validation_errors
{% endtest %}
