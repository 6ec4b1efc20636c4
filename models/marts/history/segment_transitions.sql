-- Customer flows between the segments of consecutive as-of dates of the
-- history, one row per (from segment, to segment) and pair of dates, for
-- Sankey charts. '(new)': not scored at the earlier date (no purchase in its
-- window yet); '(gone)': not scored at the later date (no purchase in its
-- window any more: only possible with var lookback_days).
-- Incremental: a refresh (var refresh_from_stored) recomputes the flows of
-- the pairs of dates with a date the new lines reach (macro
-- refreshed_as_of_dates), and drops pairs no longer consecutive.
{{ as_of_date_incremental_config('to_as_of_date', 'drop_stale_date_pairs') }}

with

history as (

    -- Only the columns the moves need: both sides of the join below read
    -- these rows, so the engine may hold them in memory once.
    select
        customer_id,
        segment_name,
        monetary,
        as_of_date
    from {{ ref('customer_segment_history') }}

),

as_of_dates as (

    select * from {{ ref('int_history_as_of_dates_resolved') }}

),

date_pairs as (

    select
        previous_as_of_date as from_as_of_date,
        as_of_date as to_as_of_date
    from as_of_dates
    where previous_as_of_date is not null
    {%- if is_incremental() %}
        and (
            as_of_date in ({{ refreshed_as_of_dates('to_as_of_date') }})
            or previous_as_of_date
            in ({{ refreshed_as_of_dates('to_as_of_date') }})
        )
    {%- endif %}

),

{%- for side, date_column in [('before', 'from'), ('after', 'to')] %}

    {{ side }}_move as (

        -- Each pair's customers on its {{ date_column }} date.
        select
            date_pairs.to_as_of_date,
            history.customer_id,
            history.segment_name,
            history.monetary
        from date_pairs
        inner join history
            on date_pairs.{{ date_column }}_as_of_date = history.as_of_date

    ),
{%- endfor %}

moves as (

    select
        coalesce(after_move.to_as_of_date, before_move.to_as_of_date)
            as to_as_of_date,
        coalesce(before_move.segment_name, '(new)') as from_segment_name,
        coalesce(after_move.segment_name, '(gone)') as to_segment_name,
        cast(coalesce(before_move.monetary, 0) as decimal(38, 4))
            as from_monetary,
        cast(coalesce(after_move.monetary, 0) as decimal(38, 4))
            as to_monetary
    from before_move
    full outer join after_move
        on
            before_move.to_as_of_date = after_move.to_as_of_date
            and before_move.customer_id = after_move.customer_id

),

flows as (

    select
        to_as_of_date,
        from_segment_name,
        to_segment_name,
        count(*) as customers,
        -- Decimal sums: float sums depend on the order threads add them in.
        cast(sum(from_monetary) as double) as from_revenue,
        cast(sum(to_monetary) as double) as to_revenue
    from moves
    group by to_as_of_date, from_segment_name, to_segment_name

),

final as (

    select
        flows.from_segment_name,
        flows.to_segment_name,
        flows.from_segment_name || ' ('
        || cast(date_pairs.from_as_of_date as {{ dbt.type_string() }})
        || ')' as sankey_source,
        flows.to_segment_name || ' ('
        || cast(date_pairs.to_as_of_date as {{ dbt.type_string() }})
        || ')' as sankey_target,
        flows.customers,
        flows.customers as sankey_value,
        flows.from_revenue,
        flows.to_revenue,
        flows.from_segment_name != flows.to_segment_name as is_segment_change,
        date_pairs.from_as_of_date,
        date_pairs.to_as_of_date
    from flows
    inner join date_pairs
        on flows.to_as_of_date = date_pairs.to_as_of_date

)

select * from final
