{#
    None of `columns` is null, checked in one pass: on a view over every raw
    line, one scan instead of one per column. Fails with one row holding the
    null count of each column.
#}
{% test expect_columns_not_null(model, columns) %}

with

null_counts as (

    select
        {%- for column in columns %}
        count(*) - count({{ column }}) as {{ column }}_nulls
        {%- if not loop.last %},{% endif %}
        {%- endfor %}
    from {{ model }}

),

validation_errors as (

    select *
    from null_counts
    where
        {%- for column in columns %}
        {% if not loop.first %}or {% endif %}{{ column }}_nulls > 0
        {%- endfor %}

)

select * from validation_errors
{% endtest %}
