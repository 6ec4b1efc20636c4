{#
    Scores point the right way: across the scores present, the mean of
    `value_column` strictly rises with the score (direction='increasing')
    or strictly falls (direction='decreasing', e.g. mean recency_days as R
    rises). Fails with each pair of neighbouring scores that break it.
#}
{% test expect_mean_to_move_with_score(
    model, column_name, value_column, direction='increasing'
) %}
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
        {%- if direction == 'increasing' %}
        and not next_mean_value > mean_value
        {%- else %}
        and not next_mean_value < mean_value
        {%- endif %}

)

select * from validation_errors
{% endtest %}
