{#
    Quality gate: exactly one row is chosen (`chosen_column` true) and its k
    (`column_name`) lies in `min_k`..`max_k`, the business range. Fails with
    the number of chosen rows and the chosen k when either is wrong.
    Severity: var `cluster_gate_severity`.
#}
{% test expect_chosen_k_in_range(
    model, column_name, min_k, max_k, chosen_column='is_chosen'
) %}
{{ config(severity=var('cluster_gate_severity', 'error')) }}

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
        {{ max_k }} as max_k
    from chosen
    where
        chosen_rows <> 1
        or chosen_k < {{ min_k }}
        or chosen_k > {{ max_k }}

)

select * from validation_errors
{% endtest %}
