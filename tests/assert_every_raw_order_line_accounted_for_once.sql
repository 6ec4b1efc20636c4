-- Every raw order line is in exactly one of the clean lines, the quarantine
-- and the lines after the as-of date, and nothing is in any of them that was
-- not raw. Fails with a row per input where that is not so: raw lines
-- missing, extra copies counted, lines that were never raw, and a
-- failure_reason (macro order_line_accounting_errors). A refresh checks
-- the lines of the files it read, against the lines it added: the stored
-- ones were checked by the build that read them, and are kept as they were
-- (the unique test on int_order_lines_validated holds the whole table).
{%- set accounted = [
    ref('int_order_lines_cleaned'),
    ref('quarantined_order_lines'),
    "(select order_line_id from " ~ ref('int_order_lines_validated')
    ~ " where line_status = 'after_as_of_date')",
] %}
{%- if is_refresh() %}
    {%- set raw = ref('stg_orders__new_order_lines') %}
    {%- set added = [] %}
    {%- for relation in accounted %}
        {%- do added.append(order_lines_added_by_refresh(relation)) %}
    {%- endfor %}
    {%- set accounted = added %}
{%- else %}
    {%- set raw = ref('stg_orders__order_lines') %}
{%- endif %}
{{ order_line_accounting_errors(raw, accounted) }}
