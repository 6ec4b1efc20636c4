-- Each customer scored on the current as-of date with the named segment its
-- (R, FM) cell falls in: that date's rows of the dated chain
-- (int_customer_dates_segmented), one per scored customer.
{{ rows_on_current_as_of_date(ref('int_customer_dates_segmented')) }}
