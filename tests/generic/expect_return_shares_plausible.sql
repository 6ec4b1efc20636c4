{#
    Returns look like returns: the share of return lines among the clean
    lines, and the share of customers whose clean lines are all returns,
    stay under the thresholds of vars return_line_share_warn / _error and
    return_only_customer_share_warn / _error. A rule that takes ordinary
    orders for returns (an order id prefix that every id of some shop
    starts with) shows as an implausible share here. One row per share
    above its warning threshold, with level 1, or 2 above the error one; the
    test's failure count is the highest level (fail_calc), so 1 warns and 2
    fails the build. `column_name` is the return flag; `where` picks the
    lines that count.
#}
{% test expect_return_shares_plausible(
    model, column_name, customer_column='customer_id', where=none
) %}
{{ config(
    fail_calc='coalesce(max(share_level), 0)',
    warn_if='>= 1',
    error_if='>= 2'
) }}
{%- set shares = settings() %}
{%- set string = dbt.type_string() %}

with

judged as (

    select
        {{ customer_column }} as customer_id,
        {{ column_name }} as is_return
    from {{ model }}
    {%- if where %}
    where {{ where }}
    {%- endif %}

),

customers as (

    select
        customer_id,
        min(case when is_return then 1 else 0 end) as is_return_only
    from judged
    group by customer_id

),

measured as (

    select
        'return_line_share' as measure,
        'clean lines that are returns' as described,
        count(*) as total_rows,
        sum(case when is_return then 1 else 0 end) as flagged_rows
    from judged

    union all

    select
        'return_only_customer_share' as measure,
        'customers whose clean lines are all returns' as described,
        count(*) as total_rows,
        sum(is_return_only) as flagged_rows
    from customers

),

thresholds as (

    select
        'return_line_share' as measure,
        {{ shares['return_line_share_warn'] }} as warn_share,
        {{ shares['return_line_share_error'] }} as error_share

    union all

    select
        'return_only_customer_share' as measure,
        {{ shares['return_only_customer_share_warn'] }} as warn_share,
        {{ shares['return_only_customer_share_error'] }} as error_share

),

shares as (

    select
        measured.*,
        thresholds.warn_share,
        thresholds.error_share,
        measured.flagged_rows * 1.0 / nullif(measured.total_rows, 0) as share
    from measured
    inner join thresholds on measured.measure = thresholds.measure

),

validation_errors as (

    select
        measure,
        total_rows,
        flagged_rows,
        share,
        warn_share,
        error_share,
        case when share > error_share then 2 else 1 end as share_level,
        cast(round(100.0 * share, 1) as {{ string }}) || '% of '
        || described || ' (' || cast(flagged_rows as {{ string }}) || ' of '
        || cast(total_rows as {{ string }}) || '), above var ' || measure
        || case when share > error_share then '_error' else '_warn' end
        || ' = ' || cast(
            case when share > error_share then error_share else warn_share end
            as {{ string }}
        )
        || ': check vars return_order_pattern and'
        || ' returns_from_negative_quantity' as failure_reason
    from shares
    where share > warn_share

)

select * from validation_errors
{% endtest %}
