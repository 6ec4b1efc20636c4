-- R, F and M scores per customer on the current as-of date: that date's rows
-- of the dated chain (int_customer_dates_scored), one per scored customer.
-- What K-means segments by default (int_customer_features).
{{ rows_on_current_as_of_date(ref('int_customer_dates_scored')) }}
