{#
    Every non-null value lies between min_value and max_value, inclusive.
    Fails with each value outside, how many rows hold it and a
    failure_reason.
#}
{% test expect_values_between(model, column_name, min_value, max_value) %}
{%- set observed -%}
    '{{ column_name }} is ' || cast(out_of_range_value as {{ dbt.type_string() }})
    || ' on ' || cast(rows_with_value as {{ dbt.type_string() }}) || ' rows'
{%- endset %}

with

values_held as (

    select
        {{ column_name }} as out_of_range_value,
        count(*) as rows_with_value
    from {{ model }}
    group by {{ column_name }}

),

validation_errors as (

    {{ bound_errors(
        'values_held', 'out_of_range_value', observed,
        min_value=min_value,
        max_value=max_value
    ) }}

)

select * from validation_errors
{% endtest %}
