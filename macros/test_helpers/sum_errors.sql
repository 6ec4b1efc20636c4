{#
    The core of the tests that a column sums to a figure: the sum of
    `column_name` over the model, or within each group of `group_by`
    columns, is `expected` (SQL) within `tolerance`. One failing row per
    group whose sum is off or null, with the group, the sum (as `sum_name`),
    the difference and a failure_reason:
        <subject> <sums> to 0.97 for <group column> <value>, not <expected>
        (tolerance <tolerance>)<tail>
#}
{% macro sum_errors(
    model,
    column_name,
    expected,
    group_by=[],
    tolerance=0,
    sum_name='column_sum',
    subject=none,
    verb='sums',
    tail=''
) %}
    {%- set text = dbt.type_string() -%}
with

sums as (

    select
        {%- for column in group_by %}
        {{ column }},
        {%- endfor %}
        sum({{ column_name }}) as {{ sum_name }}
    from {{ model }}
    {%- if group_by %}
    group by {{ group_by | join(', ') }}
    {%- endif %}

),

validation_errors as (

    select
        *,
        {{ sum_name }} - {{ expected }} as difference,
        '{{ subject or column_name }} {{ verb }} to '
        || coalesce(cast({{ sum_name }} as {{ text }}), 'nothing')
        {%- for column in group_by %}
        || ' for {{ column }} ' || cast({{ column }} as {{ text }})
        {%- endfor %}
        || ', not ' || cast({{ expected }} as {{ text }})
        || ' (tolerance {{ tolerance }}){{ tail }}' as failure_reason
    from sums
    where
        {{ sum_name }} is null
        or abs({{ sum_name }} - {{ expected }}) > {{ tolerance }}

)

select * from validation_errors
{%- endmacro %}
