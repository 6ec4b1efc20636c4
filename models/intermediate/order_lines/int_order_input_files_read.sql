-- One row per input file whose lines the tables hold: its size,
-- modification time and content hash when it was read, its lines, and the
-- span of its usable timestamps. A refresh reads only the files not listed
-- here and stops when a listed file has changed: in size, or in time and
-- in content (macro order_inputs_unread); the as-of date comes from these
-- spans, so that it needs no pass over every line. Rows are only added: a
-- file, once read, is never read again.
{%- set usable = "new_order_lines.ordered_at between cast('"
    ~ settings().min_order_date ~ "' as timestamp) and clock.future_after" %}
{{ appended_lines_config() }}

with

new_order_lines as (

    select * from {{ ref('stg_orders__new_order_lines') }}

),

file_sizes as (

    {{ order_input_file_sizes() }}

),

clock as (

    -- Lines dated before var min_order_date or more than a day ahead of
    -- the clock are bad data, not the edge of the business: they must not
    -- move the as-of date (int_order_lines_validated quarantines them).
    select {{ future_after_sql() }} as future_after

),

per_file as (

    select
        new_order_lines.source_name,
        new_order_lines.source_position,
        new_order_lines.source_file,
        count(*) as order_lines,
        min(new_order_lines.source_line_number) as first_line_number,
        max(new_order_lines.source_line_number) as last_line_number,
        min(new_order_lines.ordered_at) filter (
            where {{ usable }}
        ) as first_order_at,
        max(new_order_lines.ordered_at) filter (
            where {{ usable }}
        ) as last_order_at
    from new_order_lines
    cross join clock
    group by
        new_order_lines.source_name,
        new_order_lines.source_position,
        new_order_lines.source_file

),

final as (

    select
        per_file.source_name,
        per_file.source_position,
        per_file.source_file,
        file_sizes.file_size_bytes,
        file_sizes.file_modified_at,
        file_sizes.file_md5,
        per_file.order_lines,
        per_file.first_line_number,
        per_file.last_line_number,
        per_file.first_order_at,
        per_file.last_order_at
    from per_file
    left join file_sizes
        on
            per_file.source_name = file_sizes.source_name
            and per_file.source_file = file_sizes.source_file

)

select * from final
