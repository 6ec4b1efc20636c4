-- Every raw order line of every input in var order_inputs, renamed and typed,
-- one row per line: nothing is filtered here, so quarantine and reconciliation
-- downstream can account for each line. How each input was read is in the
-- mart input_reading_log.
-- depends_on: {{ source('orders', 'order_lines') }}
{{ staged_order_lines() }}
