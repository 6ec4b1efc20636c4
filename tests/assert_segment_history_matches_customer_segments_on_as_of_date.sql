-- The segment history's rows for the current as-of date are customer_segments:
-- the same customers, figures, scores and segments. Both are computed from
-- the orders, by separate models (one per date versus one for all dates), so
-- a difference means the history does not score as customer_segments does.
-- Fails with each customer that differs and both versions of the row.
{{ config(enabled=var('history_enabled')) }}

with

customer_segments as (

    select * from {{ ref('customer_segments') }}

),

segment_history as (

    select * from {{ ref('customer_segment_history') }}

),

as_of_dates as (

    select * from {{ ref('int_as_of_dates_resolved') }}

),

history_on_as_of_date as (

    select segment_history.*
    from segment_history
    inner join as_of_dates
        on segment_history.as_of_date = as_of_dates.as_of_date

),

validation_errors as (

    select
        customer_segments.customer_id as current_customer_id,
        history_on_as_of_date.customer_id as history_customer_id,
        customer_segments.segment_name as current_segment_name,
        history_on_as_of_date.segment_name as history_segment_name,
        customer_segments.rfm_cell as current_rfm_cell,
        history_on_as_of_date.rfm_cell as history_rfm_cell
    from customer_segments
    full outer join history_on_as_of_date
        on customer_segments.customer_id = history_on_as_of_date.customer_id
    where
        customer_segments.customer_id is null
        or history_on_as_of_date.customer_id is null
        or customer_segments.segment_name
        is distinct from history_on_as_of_date.segment_name
        or customer_segments.rfm_cell
        is distinct from history_on_as_of_date.rfm_cell
        or customer_segments.fm_score
        is distinct from history_on_as_of_date.fm_score
        or customer_segments.segment_rank
        is distinct from history_on_as_of_date.segment_rank
        or customer_segments.recency_days
        is distinct from history_on_as_of_date.recency_days
        or customer_segments.frequency
        is distinct from history_on_as_of_date.frequency
        or customer_segments.monetary
        is distinct from history_on_as_of_date.monetary
        or customer_segments.average_order_value
        is distinct from history_on_as_of_date.average_order_value
        or customer_segments.tenure_days
        is distinct from history_on_as_of_date.tenure_days
        or customer_segments.first_order_date
        is distinct from history_on_as_of_date.first_order_date
        or customer_segments.last_order_date
        is distinct from history_on_as_of_date.last_order_date
        or not history_on_as_of_date.is_current_as_of_date

)

select * from validation_errors
