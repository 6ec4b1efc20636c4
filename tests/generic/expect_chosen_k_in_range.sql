{#
    Quality gate: exactly one row is chosen (`chosen_column` true) and its k
    (`column_name`) lies in `min_k`..`max_k`, by default var
    clustering.business_k_range. Fails with the number of chosen rows, the
    chosen k and a failure_reason when either is wrong.
    Severity: var `cluster_gate_severity`.
#}
{% test expect_chosen_k_in_range(
    model, column_name, min_k=none, max_k=none, chosen_column='is_chosen'
) %}
{{ config(severity=settings().cluster_gate_severity) }}
{%- set business_k_range = cluster_gate_threshold(none, 'business_k_range') %}
{%- if min_k is none %}{% set min_k = business_k_range[0] %}{% endif %}
{%- if max_k is none %}{% set max_k = business_k_range[1] %}{% endif %}
{%- set text = dbt.type_string() %}

with

chosen as (

    select
        count(*) as chosen_rows,
        min({{ column_name }}) as chosen_k
    from {{ model }}
    where {{ chosen_column }}

),

validation_errors as (

    select
        chosen_rows,
        chosen_k,
        {{ min_k }} as min_k,
        {{ max_k }} as max_k,
        case
            when chosen_rows <> 1
                then cast(chosen_rows as {{ text }})
                    || ' rows are chosen, exactly 1 expected'
            else 'the chosen k = ' || cast(chosen_k as {{ text }})
                || ' lies outside var clustering.business_k_range '
                || '{{ min_k }}..{{ max_k }}'
        end as failure_reason
    from chosen
    where
        chosen_rows <> 1
        or chosen_k < {{ min_k }}
        or chosen_k > {{ max_k }}

)

select * from validation_errors
{% endtest %}
