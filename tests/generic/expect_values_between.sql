{#
    Every non-null value lies between min_value and max_value, inclusive.
    Fails with each value outside and how many rows hold it.
#}
{% test expect_values_between(model, column_name, min_value, max_value) %}

with

validation_errors as (

    select
        {{ column_name }} as out_of_range_value,
        count(*) as rows_with_value
    from {{ model }}
    where
        {{ column_name }} < {{ min_value }}
        or {{ column_name }} > {{ max_value }}
    group by {{ column_name }}

)

select * from validation_errors
{% endtest %}
