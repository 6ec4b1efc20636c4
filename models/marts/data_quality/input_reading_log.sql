-- How every input was read: per input (and per file where files differ),
-- each reading setting, its value, and whether the input's entry gave it,
-- DuckDB's sniffer or the project's own checks found it, or the default was
-- assumed. Printed at the end of `make run`; docs/inputs.md explains each.
-- depends_on: {{ source('orders', 'order_lines') }}
-- After stg_orders__order_lines, whose compile reads the inputs once for
-- the whole run (macro order_inputs_read).
-- depends_on: {{ ref('stg_orders__order_lines') }}
with

reading_log as (

    {{ input_reading_log_select() }}

),

final as (

    select * from reading_log

)

select * from final
