{#
    A column sums to `expected` (within `tolerance`, default exact) over the
    whole model, or within each group of `group_by` columns; e.g. budgets
    that must add up to the campaign budget. Fails with each group that
    does not, its sum and the difference.
#}
{% test expect_sum_to_equal(model, column_name, expected, group_by=[], tolerance=0) %}

with

sums as (

    select
        {%- for column in group_by %}
        {{ column }},
        {%- endfor %}
        sum({{ column_name }}) as column_sum
    from {{ model }}
    {%- if group_by %}
    group by {{ group_by | join(', ') }}
    {%- endif %}

),

validation_errors as (

    select
        *,
        column_sum - {{ expected }} as difference
    from sums
    where
        column_sum is null
        or abs(column_sum - {{ expected }}) > {{ tolerance }}

)

select * from validation_errors
{% endtest %}
