-- A bad upstream load stops the pipeline instead of quietly shrinking the
-- customer base: fails when more than var max_quarantine_share of the raw
-- lines, over all inputs, is quarantined.
with

reconciliation as (

    select * from {{ ref('order_line_reconciliation') }}

),

totals as (

    select
        sum(order_lines) as raw_lines,
        sum(case when outcome = 'clean' then 0 else order_lines end)
            as quarantined_lines
    from reconciliation

),

validation_errors as (

    select
        raw_lines,
        quarantined_lines,
        quarantined_lines * 1.0 / raw_lines as quarantine_share,
        {{ var('max_quarantine_share') }} as max_quarantine_share
    from totals
    where
        quarantined_lines * 1.0 / raw_lines
        > {{ var('max_quarantine_share') }}

)

select * from validation_errors
