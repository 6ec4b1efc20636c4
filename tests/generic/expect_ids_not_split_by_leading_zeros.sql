{#
    No all-digit id is written both with and without leading zeros ('00123'
    and '123'), which would make one customer two, unless var
    id_leading_zeros is strip (then they are one already and the test has
    nothing to find). Meant as a warning: the ids may really differ. Fails
    with each id without its zeros, how many spellings it has, an example
    and a failure_reason naming the var.
#}
{% test expect_ids_not_split_by_leading_zeros(model, column_name) %}
{%- set string = dbt.type_string() %}

with

distinct_ids as (

    select distinct {{ column_name }} as id
    from {{ model }}
    where {{ column_name }} like '0%'
    {%- if settings()['id_leading_zeros'] == 'strip' %}
        and false
    {%- endif %}

),

all_digit_ids as (

    select
        id,
        {{ strip_zeros_always('id') }} as id_without_zeros
    from distinct_ids
    where {{ full_match('id', '[0-9]+') }}

),

validation_errors as (

    select
        all_digit_ids.id_without_zeros,
        min(all_digit_ids.id) as example_with_zeros,
        'id ' || all_digit_ids.id_without_zeros || ' is also written '
        || min(all_digit_ids.id) || ': they count as two. Set var '
        || 'id_leading_zeros: strip if they are one' as failure_reason
    from all_digit_ids
    inner join (select distinct {{ column_name }} as id from {{ model }}) as ids
        on all_digit_ids.id_without_zeros = ids.id
    group by all_digit_ids.id_without_zeros

)

select * from validation_errors
{% endtest %}
