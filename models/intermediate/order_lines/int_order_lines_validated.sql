-- Every raw order line with its status: clean (it counts), after_as_of_date
-- (dated on or after the as-of date: outside the window, not bad data), or
-- quarantined with the one reason it cannot be used, checked in a fixed
-- order; whether it is a purchase or a return; and its amount in the
-- reporting currency. One row per raw line. A table, the only one with a row
-- per raw line: the orders, the quarantine and the line tests all read it,
-- and each would otherwise redo the duplicate join and the checks.
-- Incremental: a refresh (var refresh_from_stored) adds the lines it reads
-- (stg_orders__new_order_lines) and keeps the stored ones, whose status
-- cannot change; it stops where one could (refresh_stale_lines_check).
{{ appended_lines_config() }}
{%- set settings = settings() %}
{%- set pattern = settings['return_order_pattern'] %}
{%- set reporting = settings['reporting_currency'] %}
{%- set currencies = order_line_currencies() %}
{%- set converts = currencies['convert'] %}
{%- if is_incremental() %}
    {{- refresh_stale_lines_check(currencies['blanks']) }}
{%- endif %}
{#- A storefront writes the currency on an order's first line only: a blank
    takes the currency of the order's other lines. #}
{%- if currencies['blanks'] %}
    {%- set currency_sql = 'coalesce(order_lines.currency,'
        ~ ' max(order_lines.currency) over (partition by'
        ~ ' order_lines.source_position, order_lines.order_id))' %}
{%- else %}
    {%- set currency_sql = 'order_lines.currency' %}
{%- endif %}
{%- if converts %}
    {%- set rates_sql = 'select * from ' ~ currency_rates_relation() %}
{%- else %}
    {%- set rates_sql = 'select cast(null as ' ~ dbt.type_string()
        ~ ') as from_currency, cast(null as ' ~ dbt.type_string()
        ~ ') as to_currency, cast(null as date) as rate_date,'
        ~ ' cast(null as double) as rate where false' %}
{%- endif %}
{%- set return_rules = ['coalesce(order_lines.is_return_flagged, false)'] %}
{%- if settings['returns_from_negative_quantity'] %}
    {%- do return_rules.append('coalesce(order_lines.quantity < 0, false)') %}
{%- endif %}
{%- if pattern %}
    {%- do return_rules.append('coalesce(' ~ matches_regexp(
        'order_lines.order_id', pattern
    ) ~ ', false)') %}
{%- endif %}

with

order_lines as (

    select * from {{ ref('stg_orders__new_order_lines') }}

),

as_of_dates as (

    select * from {{ ref('int_as_of_dates_resolved') }}

),

duplicate_order_lines as (

    select * from {{ ref('int_order_lines_duplicated') }}

),

currency_rates as (

    -- Not read when every line is in the reporting currency, so a run
    -- without the seeds (dbt run) works.
    {{ rates_sql }}

),

rate_periods as (

    -- Each rate holds from its date until the next one; an undated rate
    -- holds before the first dated one.
    select
        from_currency,
        rate,
        rate_date,
        lead(rate_date) over (
            partition by from_currency order by rate_date nulls first
        ) as next_rate_date
    from currency_rates
    where upper(to_currency) = '{{ reporting }}'

),

marked_copies as (

    select
        order_lines.*,
        as_of_dates.as_of_date,
        as_of_dates.future_after,
        duplicate_order_lines.duplicate_of_order_line_id,
        {{ currency_sql }} as line_currency,
        {{ return_rules | join(' or ') }} as is_return
    from order_lines
    cross join as_of_dates
    left join duplicate_order_lines
        on order_lines.order_line_id = duplicate_order_lines.order_line_id

),

converted as (

    select
        marked_copies.*,
        -- A line in the reporting currency needs no rate (x * 1.0 is x).
        case
            when marked_copies.line_currency = '{{ reporting }}' then 1.0
            else rate_periods.rate
        end as rate
    from marked_copies
    -- When every line is in the reporting currency, the join is dropped.
    left join rate_periods
        on
            {{ 'true' if converts else 'false' }}
            and marked_copies.line_currency = rate_periods.from_currency
            and marked_copies.line_currency != '{{ reporting }}'
            and (
                rate_periods.rate_date is null
                or marked_copies.ordered_at >= rate_periods.rate_date
            )
            and (
                rate_periods.next_rate_date is null
                or marked_copies.ordered_at < rate_periods.next_rate_date
            )

),

amounts as (

    select
        *,
        abs(line_amount) * rate as reported_amount
    from converted

),

classified as (

    select
        *,
        case
            -- A line without a usable customer or order is bad data
            -- whenever it is dated; then the timestamp; then the window: a
            -- line dated on or after the as-of date is not judged further.
            when customer_id is null then 'missing_customer_id'
            when {{ is_exponent_form('customer_id') }}
                then 'customer_id_in_exponent_form'
            when order_id is null then 'missing_order_id'
            when {{ is_exponent_form('order_id') }}
                then 'order_id_in_exponent_form'
            when ordered_at is null then 'unparseable_timestamp'
            when
                ordered_at
                < cast('{{ settings.min_order_date }}' as timestamp)
                then 'timestamp_before_min_order_date'
            when ordered_at > future_after then 'timestamp_in_future'
            when ordered_at >= as_of_date then null
            when quantity is null then 'unparseable_quantity'
            when quantity = 0 then 'zero_quantity'
            when unit_price is null then 'unparseable_amount'
            when unit_price <= 0 then 'non_positive_unit_price'
            -- A purchase with a negative line amount has a negative price;
            -- staging's amount / quantity is unsigned, so that returns may
            -- give their amount either sign.
            when
                quantity > 0
                and line_amount < 0
                and not is_return
                then 'non_positive_unit_price'
            when line_currency is null then 'missing_currency'
            -- Beyond any real order line, and beyond what the exact
            -- decimal sums below can hold.
            when reported_amount >= 1e12 then 'amount_out_of_range'
            when duplicate_of_order_line_id is not null then 'duplicate_line'
        end as quarantine_reason
    from amounts

),

checked as (

    select *
    from classified
    where
        {{ raise_error_if(
            'quarantine_reason is null and ordered_at < as_of_date'
            ~ ' and rate is null',
            "'No rate from ' || line_currency || ' to " ~ reporting ~ " (var "
            ~ "reporting_currency) for ' || cast(cast(ordered_at as date) as "
            ~ dbt.type_string() ~ ") || ' in var currency_rates (" ~ (
                settings['currency_rates'] or 'seed currency_rates')
            ~ "): add a rate dated on or before it.'"
        ) }} is null

),

final as (

    -- Only what the models downstream need: this table has a row per raw
    -- line, and every column costs time to write. The quarantine takes the
    -- rest of a rejected line from staging.
    select
        order_line_id,
        source_name,
        customer_id,
        order_id,
        case
            when quarantine_reason is not null then 'quarantined'
            when ordered_at >= as_of_date then 'after_as_of_date'
            else 'clean'
        end as line_status,
        quarantine_reason,
        duplicate_of_order_line_id,
        is_return,
        -- Returns reduce revenue whatever sign the input gave them. Amounts
        -- are exact decimals so that sums do not depend on the order
        -- threads add them in (float sums do, and would move ties).
        case
            when quarantine_reason is not null then null
            when is_return
                then -cast(round(reported_amount, 4) as decimal(18, 4))
            else cast(round(reported_amount, 4) as decimal(18, 4))
        end as net_amount,
        ordered_at,
        -- What a refresh compares a new line with to find the stored line
        -- it repeats (int_order_lines_duplicated); null without a line key.
        case
            when line_key is not null
                then {{ row_hash(duplicate_line_columns()) }}
        end as line_hash
    from checked

)

select * from final
