{#
    Each non-null value lies inside its own row's interval: lower_column <=
    value <= upper_column, with both bounds null exactly when the value is
    (an estimate and its confidence interval). Fails with each row that
    breaks it.
#}
{% test expect_values_within_interval(model, column_name, lower_column, upper_column) %}

with

validation_errors as (

    select
        {{ column_name }} as estimate,
        {{ lower_column }} as lower_bound,
        {{ upper_column }} as upper_bound
    from {{ model }}
    where
        ({{ column_name }} is null) != ({{ lower_column }} is null)
        or ({{ column_name }} is null) != ({{ upper_column }} is null)
        or {{ lower_column }} > {{ column_name }}
        or {{ column_name }} > {{ upper_column }}

)

select * from validation_errors
{% endtest %}
