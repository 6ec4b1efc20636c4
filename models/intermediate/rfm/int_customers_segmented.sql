-- Each customer scored on the current as-of date with the named segment its
-- (R, FM) cell falls in: that date's rows of the dated chain
-- (int_customer_dates_segmented), one per scored customer.
with

customer_dates as (

    select * from {{ ref('int_customer_dates_segmented') }}

),

as_of_dates as (

    select * from {{ ref('int_as_of_dates_resolved') }}

),

final as (

    -- Every column of the dated chain passes through: the current date is
    -- its rows, not a model of its own.
    select customer_dates.*  -- noqa: AM04
    from customer_dates
    inner join as_of_dates
        on customer_dates.as_of_date = as_of_dates.as_of_date

)

select * from final  -- noqa: AM04
