{#
    The share of rows in each category of `column_name` (e.g. segment_name)
    does not drift too far between the last two dates of `date_column` (or
    between every two consecutive dates, pairs='all'), measured by the
    population stability index over the categories present at either date:
        PSI = sum over categories of (later - earlier) * ln(later / earlier)
    with shares floored at `epsilon` so an empty category counts as nearly
    empty instead of dividing by zero. Returns one row per pair of dates
    whose PSI exceeds `warn_psi`, with drift_level 1, or 2 when it also
    exceeds `error_psi`; the test's failure count is the highest drift_level
    (fail_calc), so 1 warns and 2 fails the build. Pairs where either date
    has fewer than `min_rows` rows are not judged: shares of a handful of
    rows jump by whole rows. Each row's failure_reason gives the PSI, the
    dates and the threshold with its var (`warn_var`, `error_var`).
#}
{% test expect_segment_share_drift_within_psi(
    model,
    column_name,
    warn_psi,
    error_psi,
    date_column='as_of_date',
    min_rows=100,
    epsilon=0.0001,
    pairs='last',
    warn_var='segment_drift_psi_warn',
    error_var='segment_drift_psi_error'
) %}
{{ config(
    fail_calc='coalesce(max(drift_level), 0)',
    warn_if='>= 1',
    error_if='>= 2'
) }}
{%- if pairs not in ['last', 'all'] %}
    {{ exceptions.raise_compiler_error(
        "expect_segment_share_drift_within_psi: pairs is '" ~ pairs
        ~ "': use 'last' (the last two dates) or 'all' (every consecutive"
        ~ " pair)."
    ) }}
{%- endif %}
{%- set pair_filter = 'dates_back = 1' if pairs == 'last' else 'true' %}

with

counts as (

    select
        {{ date_column }} as share_date,
        {{ column_name }} as category,
        count(*) as category_rows
    from {{ model }}
    group by {{ date_column }}, {{ column_name }}

),

dates as (

    select
        share_date,
        sum(category_rows) as total_rows
    from counts
    group by share_date

),

ordered_dates as (

    select
        share_date,
        total_rows,
        lag(share_date) over (order by share_date) as previous_date,
        lag(total_rows) over (order by share_date) as previous_total_rows,
        row_number() over (order by share_date desc) as dates_back
    from dates

),

date_pairs as (

    select
        previous_date as earlier_date,
        share_date as later_date,
        previous_total_rows as earlier_rows,
        total_rows as later_rows
    from ordered_dates
    where
        previous_date is not null
        and {{ pair_filter }}

),

categories as (

    select distinct
        date_pairs.earlier_date,
        date_pairs.later_date,
        counts.category
    from date_pairs
    inner join counts
        on
            counts.share_date = date_pairs.earlier_date
            or counts.share_date = date_pairs.later_date

),

shares as (

    select
        categories.earlier_date,
        categories.later_date,
        categories.category,
        date_pairs.earlier_rows,
        date_pairs.later_rows,
        greatest(
            coalesce(earlier.category_rows, 0) * 1.0 / date_pairs.earlier_rows,
            {{ epsilon }}
        ) as earlier_share,
        greatest(
            coalesce(later.category_rows, 0) * 1.0 / date_pairs.later_rows,
            {{ epsilon }}
        ) as later_share
    from categories
    inner join date_pairs
        on
            categories.earlier_date = date_pairs.earlier_date
            and categories.later_date = date_pairs.later_date
    left join counts as earlier
        on
            categories.earlier_date = earlier.share_date
            and categories.category is not distinct from earlier.category
    left join counts as later
        on
            categories.later_date = later.share_date
            and categories.category is not distinct from later.category

),

drift as (

    select
        earlier_date,
        later_date,
        earlier_rows,
        later_rows,
        sum((later_share - earlier_share) * ln(later_share / earlier_share))
            as psi
    from shares
    group by earlier_date, later_date, earlier_rows, later_rows

),

validation_errors as (

    select
        earlier_date,
        later_date,
        earlier_rows,
        later_rows,
        psi,
        {{ warn_psi }} as warn_psi,
        {{ error_psi }} as error_psi,
        case when psi > {{ error_psi }} then 2 else 1 end as drift_level,
        'shares of {{ column_name }} moved by PSI '
        || cast(round(psi, 4) as {{ dbt.type_string() }}) || ' from '
        || cast(earlier_date as {{ dbt.type_string() }}) || ' to '
        || cast(later_date as {{ dbt.type_string() }}) || ', above var '
        || case
            when psi > {{ error_psi }}
                then '{{ error_var }} = ' || cast({{ error_psi }} as {{ dbt.type_string() }})
            else '{{ warn_var }} = ' || cast({{ warn_psi }} as {{ dbt.type_string() }})
        end as failure_reason
    from drift
    where
        psi > {{ warn_psi }}
        and earlier_rows >= {{ min_rows }}
        and later_rows >= {{ min_rows }}

)

select * from validation_errors
{% endtest %}
