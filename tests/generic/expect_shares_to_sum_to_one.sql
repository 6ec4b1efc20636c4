{#
    A share column sums to 1 (within `tolerance`) over the whole model, or
    within each group of `group_by` columns. Fails with each group that does
    not, and its sum.
#}
{% test expect_shares_to_sum_to_one(model, column_name, group_by=[], tolerance=0.000001) %}

with

sums as (

    select
        {%- for column in group_by %}
        {{ column }},
        {%- endfor %}
        sum({{ column_name }}) as share_sum
    from {{ model }}
    {%- if group_by %}
    group by {{ group_by | join(', ') }}
    {%- endif %}

),

validation_errors as (

    select *
    from sums
    where share_sum is null or abs(share_sum - 1) > {{ tolerance }}

)

select * from validation_errors
{% endtest %}
