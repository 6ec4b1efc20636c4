-- R, F and M scores per customer on the current as-of date: that date's rows
-- of the dated chain (int_customer_dates_scored), one per scored customer.
-- What K-means segments by default (int_customer_features).
with

customer_dates as (

    select * from {{ ref('int_customer_dates_scored') }}

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
