-- The as-of dates the RFM chain computes, one row each, oldest first, with
-- the date before it and its window. By default every period start of var
-- history_frequency after the first purchase (a month's is its first day:
-- the state at the end of the month before), or the dates of var
-- history_as_of_dates; the current as-of date always, last, and alone when
-- var history_enabled is false. Stops the build when a date of the var has
-- nothing to count or is after the as-of date.
{%- set settings = settings() %}
{%- set lookback = settings.lookback_days %}
{%- set frequency = settings.history_frequency %}
{%- if not var('history_enabled') %}
    {%- set use_period_starts = 'false' %}
    {%- set explicit_dates_sql = 'select cast(null as date) as as_of_date'
        ~ ' where 1 = 0' %}
{%- elif settings.history_as_of_dates is none %}
    {%- set use_period_starts = 'true' %}
    {%- set explicit_dates_sql = 'select cast(null as date) as as_of_date'
        ~ ' where 1 = 0' %}
{%- else %}
    {%- set use_period_starts = 'false' %}
    {%- set selects = [] %}
    {%- for date_text in settings.history_as_of_dates %}
        {%- do selects.append(
            "select cast('" ~ date_text ~ "' as date) as as_of_date"
        ) %}
    {%- endfor %}
    {%- set explicit_dates_sql = selects | join(' union all ') %}
{%- endif %}
{%- if lookback is none %}
    {%- set window_start_sql = 'null' %}
{%- else %}
    {%- set window_start_sql = dbt.dateadd(
        'day', -1 * lookback, 'kept.as_of_date'
    ) %}
{%- endif %}

with

as_of_dates as (

    select * from {{ ref('int_as_of_dates_resolved') }}

),

orders as (

    select * from {{ ref('int_orders_aggregated') }}

),

first_purchase as (

    select cast(min(first_purchase_at) as date) as first_purchase_date
    from orders

),

period_numbers as (

    {{ dbt.generate_series(settings.history_max_as_of_dates) }}

),

period_starts as (

    -- The latest period start on or before the as-of date, and the ones
    -- before it: as many as var history_max_as_of_dates allows.
    select
        cast(
            {{ dbt.dateadd(
                frequency,
                '1 - period_numbers.generated_number',
                dbt.date_trunc(frequency, 'as_of_dates.as_of_date')
            ) }} as date
        ) as as_of_date
    from period_numbers
    cross join as_of_dates

),

explicit_dates as (

    {{ explicit_dates_sql }}

),

candidate_dates as (

    select
        as_of_date,
        false as is_from_var
    from period_starts
    where {{ use_period_starts }}

    union all

    select
        as_of_date,
        true as is_from_var
    from explicit_dates

),

candidates as (

    select
        candidate_dates.as_of_date,
        candidate_dates.is_from_var,
        first_purchase.first_purchase_date,
        as_of_dates.as_of_date as current_as_of_date
    from candidate_dates
    cross join first_purchase
    cross join as_of_dates

),

checked as (

    -- Generated dates out of range are left out below; dates of the var
    -- stop the build.
    select *
    from candidates
    where
        {{ raise_error_if(
            'is_from_var and (as_of_date <= first_purchase_date'
            ~ ' or as_of_date > current_as_of_date)',
            "'var history_as_of_dates has ' || cast(as_of_date as "
            ~ dbt.type_string() ~ ") || ', which is not after the first "
            ~ "purchase (' || cast(first_purchase_date as "
            ~ dbt.type_string() ~ ") || ') or is after the as-of date ('"
            ~ " || cast(current_as_of_date as " ~ dbt.type_string()
            ~ ") || '): nothing would count, or orders not yet read would.'"
        ) }} is null

),

in_range as (

    -- Dates of the var are never filtered here, so the check above sees
    -- each of them whatever order the engine evaluates the filters in.
    select as_of_date
    from checked
    where
        is_from_var
        or (
            as_of_date > first_purchase_date
            and as_of_date < current_as_of_date
        )

    union

    select as_of_date from as_of_dates

),

numbered as (

    select
        as_of_date,
        row_number() over (order by as_of_date desc) as dates_back
    from in_range

),

kept as (

    select
        as_of_date,
        lag(as_of_date) over (order by as_of_date) as previous_as_of_date,
        row_number() over (order by as_of_date) as as_of_date_number
    from numbered
    where dates_back <= {{ settings.history_max_as_of_dates }}

),

final as (

    select
        kept.as_of_date,
        kept.previous_as_of_date,
        cast({{ window_start_sql }} as date) as window_start_date,
        kept.as_of_date_number,
        kept.as_of_date = as_of_dates.as_of_date as is_current_as_of_date
    from kept
    cross join as_of_dates

)

select * from final
