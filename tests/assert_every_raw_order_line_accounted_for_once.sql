-- Every raw order line is in exactly one of the clean lines, the quarantine
-- and the lines after the as-of date, and nothing is in any of them that was
-- not raw. Fails with a row per input where that is not so: raw lines
-- missing, extra copies counted, lines that were never raw, and a
-- failure_reason (macro order_line_accounting_errors).
{{ order_line_accounting_errors(
    ref('stg_orders__order_lines'),
    [
        ref('int_order_lines_cleaned'),
        ref('quarantined_order_lines'),
        "(select order_line_id from " ~ ref('int_order_lines_validated')
        ~ " where line_status = 'after_as_of_date')",
    ]
) }}
