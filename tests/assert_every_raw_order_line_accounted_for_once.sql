-- Every raw order line is in exactly one of the clean lines and the
-- quarantine, and nothing is in either that was not raw. Fails with a row
-- per input where that is not so: raw lines missing, extra copies counted,
-- and lines that were never raw (macro order_line_accounting_errors).
{{ order_line_accounting_errors(
    ref('stg_orders__order_lines'),
    ref('int_order_lines_cleaned'),
    ref('quarantined_order_lines')
) }}
