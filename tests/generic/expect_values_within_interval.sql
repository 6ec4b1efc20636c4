{#
    Each non-null value lies inside its own row's interval: lower_column <=
    value <= upper_column, with both bounds null exactly when the value is
    (an estimate and its confidence interval). Fails with each row that
    breaks it, with a failure_reason.
#}
{% test expect_values_within_interval(
    model, column_name, lower_column, upper_column
) %}
{%- set text = dbt.type_string() %}
{%- set observed -%}
    '{{ column_name }} ' || cast(estimate as {{ text }})
{%- endset %}
{%- set nulls_disagree -%}
    (estimate is null) != (lower_bound is null)
    or (estimate is null) != (upper_bound is null)
{%- endset %}

with

intervals as (

    select
        {{ column_name }} as estimate,
        {{ lower_column }} as lower_bound,
        {{ upper_column }} as upper_bound
    from {{ model }}

),

validation_errors as (

    {{ bound_errors(
        'intervals', 'estimate', observed,
        columns=['estimate', 'lower_bound', 'upper_bound'],
        min_value='lower_bound',
        max_value='upper_bound',
        min_name=lower_column,
        max_name=upper_column,
        cast_bounds=true,
        or_when=nulls_disagree,
        or_reason="'" ~ column_name ~ ", " ~ lower_column ~ " and "
            ~ upper_column ~ " are not null together'"
    ) }}

)

select * from validation_errors
{% endtest %}
