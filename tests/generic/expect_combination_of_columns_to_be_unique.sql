{#
    The columns together identify a row (a composite primary key). Fails with
    each combination that appears more than once.
#}
{% test expect_combination_of_columns_to_be_unique(model, combination_of_columns) %}

with

validation_errors as (

    select
        {{ combination_of_columns | join(', ') }},
        count(*) as duplicate_rows
    from {{ model }}
    group by {{ combination_of_columns | join(', ') }}
    having count(*) > 1

)

select * from validation_errors
{% endtest %}
