-- The raw order lines this run adds: on a refresh (var refresh_from_stored)
-- the lines of the files the stored build has not read, numbered after its
-- lines; on a full build every line, as stg_orders__order_lines. What the
-- incremental models read, so that a refresh never reads old lines again.
-- depends_on: {{ source('orders', 'order_lines') }}
-- After stg_orders__order_lines, whose compile reads the inputs once for
-- the whole run (macro order_inputs_read): run beside it, each would.
-- depends_on: {{ ref('stg_orders__order_lines') }}
{{ staged_order_lines(unread_only=true) }}
