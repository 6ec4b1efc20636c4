{#
    A share column sums to 1 (within `tolerance`) over the whole model, or
    within each group of `group_by` columns. Fails with each group that does
    not, its sum and a failure_reason saying so.
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

    select
        *,
        'shares in {{ column_name }} sum to '
        || coalesce(cast(share_sum as {{ dbt.type_string() }}), 'nothing')
        {%- for column in group_by %}
        || ' for {{ column }} ' || cast({{ column }} as {{ dbt.type_string() }})
        {%- endfor %}
        || ', not 1 (tolerance {{ tolerance }}): a row is missing or'
        || ' counted twice' as failure_reason
    from sums
    where share_sum is null or abs(share_sum - 1) > {{ tolerance }}

)

select * from validation_errors
{% endtest %}
