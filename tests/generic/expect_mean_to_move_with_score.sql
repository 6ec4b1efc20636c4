{#
    Scores point the right way: across the scores present, the mean of
    `value_column` rises with the score (direction='increasing') or falls
    (direction='decreasing', e.g. mean recency_days as R rises). Strictly
    under var rfm_tie_policy 'value', where scores never share a value;
    under 'row' two neighbouring buckets may hold only customers of one
    value (a third of customers with frequency 1 fill F 1 and F 2), so
    equal means are allowed there, never a reversal. Fails with each pair
    of neighbouring scores that break it.
#}
{% test expect_mean_to_move_with_score(
    model, column_name, value_column, direction='increasing'
) %}
{%- set strict = settings().rfm_tie_policy == 'value' -%}
{%- set operator = ('>' if strict else '>=') if direction == 'increasing'
    else ('<' if strict else '<=') -%}
{%- if direction not in ['increasing', 'decreasing'] -%}
    {{ exceptions.raise_compiler_error(
        "expect_mean_to_move_with_score: direction must be 'increasing' or "
        ~ "'decreasing', got '" ~ direction ~ "'"
    ) }}
{%- endif -%}

with

per_score as (

    select
        {{ column_name }} as score,
        avg({{ value_column }}) as mean_value
    from {{ model }}
    group by {{ column_name }}

),

with_next as (

    select
        score,
        mean_value,
        lead(score) over (order by score) as next_score,
        lead(mean_value) over (order by score) as next_mean_value
    from per_score

),

validation_errors as (

    select *
    from with_next
    where
        next_score is not null
        and not next_mean_value {{ operator }} mean_value

)

select * from validation_errors
{% endtest %}
