-- The date the RFM figures are computed as of, and the window of orders that
-- count. One row. Stops the build when the as-of date leaves nothing to count.
{%- set as_of = settings().as_of_date %}
{%- set lookback = settings().lookback_days %}
{%- if as_of is none %}
    {%- set as_of_date_sql = dbt.dateadd(
        'day', 1, 'cast(last_order_at as date)'
    ) %}
{%- else %}
    {%- set as_of_date_sql = "'" ~ as_of ~ "'" %}
{%- endif %}
{%- if lookback is none %}
    {%- set window_start_sql = 'null' %}
{%- else %}
    {%- set window_start_sql = dbt.dateadd('day', -1 * lookback, 'as_of_date') %}
{%- endif %}

with

input_files as (

    select * from {{ ref('int_order_input_files_read') }}

),

clock as (

    -- Lines after it are quarantined as dated in the future.
    select {{ future_after_sql() }} as future_after

),

order_span as (

    -- Lines dated in the future or before var min_order_date are bad data,
    -- not the edge of the business: they must not move the default as-of
    -- (each file's span leaves them out).
    select
        min(first_order_at) as first_order_at,
        max(last_order_at) as last_order_at
    from input_files

),

resolved as (

    select
        order_span.first_order_at,
        order_span.last_order_at,
        clock.future_after,
        cast({{ as_of_date_sql }} as date) as as_of_date,
        {{ 'false' if as_of is none else 'true' }} as is_as_of_date_from_var
    from order_span
    cross join clock

),

windowed as (

    select
        as_of_date,
        cast({{ window_start_sql }} as date) as window_start_date,
        is_as_of_date_from_var,
        first_order_at,
        last_order_at,
        future_after
    from resolved

),

checked as (

    select *
    from windowed
    where
        {{ raise_error_if(
            'first_order_at is null',
            "'No order line has a usable timestamp on or after var "
            ~ "min_order_date (" ~ settings().min_order_date ~ "): check the "
            ~ "ordered_at column in var order_inputs and var "
            ~ "timestamp_formats (the mart input_reading_log shows the "
            ~ "format each input was read with).'"
        ) }} is null
        and {{ raise_error_if(
            'as_of_date <= cast(first_order_at as date)',
            "'var as_of_date ' || cast(as_of_date as " ~ dbt.type_string()
            ~ ") || ' is not after the first order (' || cast(first_order_at as "
            ~ dbt.type_string() ~ ") || '): no order would count. Set var as_of_date later, or "
            ~ "null for the day after the last order.'"
        ) }} is null

)

select * from checked
