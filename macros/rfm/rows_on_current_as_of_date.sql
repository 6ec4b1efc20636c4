{#
    The query that keeps a dated model's rows (one per customer and as-of
    date) on the current as-of date, with every column: the current
    segments are the latest date of the one dated chain, not a chain of
    their own.
#}
{% macro rows_on_current_as_of_date(dated_relation) %}
with

customer_dates as (

    select * from {{ dated_relation }}

),

as_of_dates as (

    select * from {{ ref('int_as_of_dates_resolved') }}

),

final as (

    select customer_dates.*  -- noqa: AM04
    from customer_dates
    inner join as_of_dates
        on customer_dates.as_of_date = as_of_dates.as_of_date

)

select * from final  -- noqa: AM04
{% endmacro %}
