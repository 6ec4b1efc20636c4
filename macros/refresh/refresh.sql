{#- Whether this run adds what is new to the tables of a stored build (var
    refresh_from_stored, which `segmentation publish --refresh` sets on a
    copy of the last published build) instead of building every table
    anew. Incremental models ask is_incremental(), which the project's
    +full_refresh ties to the same var. #}
{% macro is_refresh() %}
    {{- return(settings().refresh_from_stored) -}}
{% endmacro %}

{#- A model's relation in the target, by name: the stored build's tables a
    refresh reads (the lines and files it already read), and models of
    this run that only a refresh reads, where a ref() would make every unit
    test of the model give them. Stops the run when it is missing, since
    then nothing can be refreshed. #}
{% macro stored_relation(name) %}
    {%- set relation = adapter.get_relation(
        database=this.database, schema=this.schema, identifier=name
    ) -%}
    {%- if relation is none -%}
        {{ exceptions.raise_compiler_error(
            "var refresh_from_stored is true, but " ~ this.database
            ~ " holds no stored build (no table " ~ name ~ "): nothing to "
            ~ "refresh. Build in full first (var refresh_from_stored: false,"
            ~ " or segmentation publish without --refresh)."
        ) }}
    {%- endif -%}
    {{- return(relation) -}}
{% endmacro %}

{#- The files the stored build read, per input name, in name order: each
    with its size, modification time and lines when it was read. Queried
    once per dbt invocation (kept in `graph`, as order_inputs_read does). #}
{% macro stored_input_files() %}
    {%- set cache_key = 'customer_segmentation stored_input_files '
        ~ invocation_id -%}
    {%- if cache_key in graph -%}
        {{- return(graph[cache_key]) -}}
    {%- endif -%}
    {%- set relation = stored_relation('int_order_input_files_read') -%}
    {%- set columns = adapter.get_columns_in_relation(relation)
        | map(attribute='name') | list -%}
    {%- for needed in ['file_modified_at', 'file_md5']
        if needed not in columns -%}
        {#- A build of an earlier version of the project (publish --refresh
            builds in full then anyway: the project changed). -#}
        {{ exceptions.raise_compiler_error(
            "var refresh_from_stored is true, but the stored build was made "
            ~ "by an earlier version of the project (its "
            ~ "int_order_input_files_read has no " ~ needed ~ "): nothing "
            ~ "can be refreshed from it. Build in full first (var "
            ~ "refresh_from_stored: false, or segmentation publish without "
            ~ "--refresh)."
        ) }}
    {%- endfor -%}
    {%- set stored = run_query(
        "select source_name, source_file, file_size_bytes, order_lines,"
        ~ " epoch_us(file_modified_at), strftime(file_modified_at, '%Y-%m-%d"
        ~ " %H:%M:%S'), file_md5 from " ~ relation
        ~ " order by source_name, source_file"
    ) -%}
    {%- set stored_files = {} -%}
    {%- for row in stored.rows -%}
        {%- do stored_files.setdefault(row[0], []).append(
            {'path': row[1], 'size': row[2], 'lines': row[3],
            'modified_us': row[4], 'modified_text': row[5],
            'md5': row[6]}) -%}
    {%- endfor -%}
    {%- do graph.update({cache_key: stored_files}) -%}
    {{- return(stored_files) -}}
{% endmacro %}

{#- The inputs of order_inputs_read(), each reading only the files the
    stored build has not read, its lines numbered after the stored ones:
    what a full build would number them, as long as every new file sorts
    after the files already read (lines are numbered file by file in name
    order). Without a refresh, the inputs as they are. Anything a refresh
    cannot add without changing lines already stored stops the run with
    the reason: a file read before that changed or went, a new file that
    sorts before one already read, an input read from a relation. #}
{% macro order_inputs_unread(inputs) %}
    {%- if not (execute and is_refresh()) -%}
        {{- return(inputs) -}}
    {%- endif -%}
    {%- set full = " Build in full instead (var refresh_from_stored: false, "
        ~ "or segmentation publish without --refresh)." -%}
    {%- if target.type != 'duckdb' -%}
        {{ exceptions.raise_compiler_error(
            "var refresh_from_stored: a refresh runs on DuckDB only; this "
            ~ "target is " ~ target.type ~ "." ~ full
        ) }}
    {%- endif -%}
    {%- set stored_files = stored_input_files() -%}
    {%- set names = [] -%}
    {%- set unread = [] -%}
    {%- for decided in inputs -%}
        {%- set reading = decided['reading'] -%}
        {%- set label = decided['label'] -%}
        {%- do names.append(decided['name']) -%}
        {%- if reading['format'] == 'relation' -%}
            {{ exceptions.raise_compiler_error(
                label ~ " is read from a relation, whose new rows cannot be "
                ~ "told from the old ones." ~ full
            ) }}
        {%- endif -%}
        {%- set before = stored_files.get(decided['name'], []) -%}
        {%- set offset = [0] -%}
        {%- for file in before -%}
            {%- if file['path'] not in reading['files'] -%}
                {{ exceptions.raise_compiler_error(
                    label ~ ": file " ~ file['path'] ~ " was read by the "
                    ~ "stored build and is gone (or now empty); its lines "
                    ~ "would have to leave the stored tables." ~ full
                ) }}
            {%- elif reading['file_sizes'][file['path']] != file['size'] -%}
                {{ exceptions.raise_compiler_error(
                    label ~ ": file " ~ file['path'] ~ " has changed since "
                    ~ "the stored build read it (" ~ file['size'] ~ " bytes, "
                    ~ "now " ~ reading['file_sizes'][file['path']] ~ "). A "
                    ~ "refresh reads new files only; write new lines to a "
                    ~ "new file." ~ full
                ) }}
            {%- elif reading['file_modified_us'][file['path']]
                != file['modified_us'] and (file['md5'] is none
                or input_files_md5({file['path']: file['size']}).get(
                    file['path']) != file['md5']) -%}
                {#- An edit that keeps the size (a 8 made a 9) shows only in
                    the modification time; a file downloaded again with
                    the same bytes has a new time too, and its content
                    hash tells the two apart. #}
                {{ exceptions.raise_compiler_error(
                    label ~ ": file " ~ file['path'] ~ " has changed since "
                    ~ "the stored build read it: same size, but modified "
                    ~ "after " ~ file['modified_text'] ~ " UTC, when it was "
                    ~ "read, and "
                    ~ ("its content differs" if file['md5'] is not none
                        else "too large to compare its content")
                    ~ ". A refresh reads new files only; write new lines to "
                    ~ "a new file." ~ full
                ) }}
            {%- endif -%}
            {%- do offset.append(offset.pop() + file['lines']) -%}
        {%- endfor -%}
        {%- set read_paths = before | map(attribute='path') | list -%}
        {%- set new_files = reading['files'] | reject('in', read_paths)
            | list -%}
        {%- set last_read = read_paths | max if read_paths else none -%}
        {#- A file without lines (a day without orders: the header alone)
            numbers none, wherever it sorts; holding no line, it is not
            listed as read, so it is new to every refresh. -#}
        {%- for path in new_files if last_read is not none
            and path < last_read and reading['file_rows'][path] > 0 -%}
            {{ exceptions.raise_compiler_error(
                label ~ ": new file " ~ path ~ " sorts before " ~ last_read
                ~ ", which the stored build read: lines are numbered file "
                ~ "by file in name order, so every stored line would be "
                ~ "numbered anew. Name new files so that they sort last "
                ~ "(e.g. by date)." ~ full
            ) }}
        {%- endfor -%}
        {%- set new_reading = {} -%}
        {%- do new_reading.update(reading) -%}
        {%- if new_files -%}
            {%- do new_reading.update({'relation_sql': input_relation_sql(
                new_files, reading, reading['typed'])}) -%}
        {%- else -%}
            {#- Nothing new: the input's columns, no rows, nothing read. -#}
            {%- do new_reading.update({'relation_sql': '(select * from '
                ~ reading['relation_sql'] ~ ' limit 0)'}) -%}
        {%- endif -%}
        {%- set new_decided = {} -%}
        {%- do new_decided.update(decided) -%}
        {%- do new_decided.update({'reading': new_reading,
            'line_offset': offset[0]}) -%}
        {%- do unread.append(new_decided) -%}
    {%- endfor -%}
    {%- for name in stored_files if name not in names -%}
        {{ exceptions.raise_compiler_error(
            "var order_inputs no longer has input '" ~ name ~ "', whose "
            ~ "lines the stored build holds." ~ full
        ) }}
    {%- endfor -%}
    {{- return(unread) -}}
{% endmacro %}

{#- The MD5 of each file of `sizes` ({path: bytes}) up to 256 MiB, as
    {path: hex}; larger ones are left out, unread: DuckDB holds a file
    whole to hash it, and a day's export is far smaller. #}
{% macro input_files_md5(sizes) %}
    {%- set hashed_file_bytes = 268435456 -%}
    {%- set paths = [] -%}
    {%- for path, size in sizes.items() if size <= hashed_file_bytes -%}
        {%- do paths.append(path) -%}
    {%- endfor -%}
    {%- set hashes = {} -%}
    {%- if paths -%}
        {%- for row in run_query(
            "select filename, md5(content) from read_blob("
            ~ input_literal(paths) ~ ")"
        ).rows -%}
            {%- do hashes.update({row[0]: row[1]}) -%}
        {%- endfor -%}
    {%- endif -%}
    {{- return(hashes) -}}
{% endmacro %}

{#- The size in bytes, the modification time (UTC) and the MD5 of each
    file the inputs read, as rows (source_name, source_file,
    file_size_bytes, file_modified_at, file_md5): what a refresh compares
    to tell a file that changed. Files a refresh takes from the stored
    build unchanged are not hashed again (their rows are not added). #}
{% macro order_input_file_sizes() %}
    {%- set rows = [] -%}
    {%- for decided in order_inputs_read() if execute -%}
        {%- set reading = decided['reading'] -%}
        {%- set unchecked = {} -%}
        {%- for path, size in reading.get('file_sizes', {}).items()
            if path not in reading.get('checked_rows', {}) -%}
            {%- do unchecked.update({path: size}) -%}
        {%- endfor -%}
        {%- set hashes = input_files_md5(unchecked) -%}
        {%- for path, size in reading.get('file_sizes', {}).items() -%}
            {%- do rows.append('(' ~ input_literal(decided['name']) ~ ', '
                ~ input_literal(path) ~ ', cast(' ~ size ~ ' as bigint), '
                ~ 'make_timestamp(cast('
                ~ reading['file_modified_us'][path] ~ ' as bigint)), '
                ~ input_literal(hashes.get(path)) ~ ')') -%}
        {%- endfor -%}
    {%- endfor -%}
    {%- if rows -%}
        select * from (values {{ rows | join(', ') }}) as file_sizes (
            source_name, source_file, file_size_bytes, file_modified_at,
            file_md5
        )
    {%- else -%}
        select
            cast(null as {{ dbt.type_string() }}) as source_name,
            cast(null as {{ dbt.type_string() }}) as source_file,
            cast(null as bigint) as file_size_bytes,
            cast(null as timestamp) as file_modified_at,
            cast(null as {{ dbt.type_string() }}) as file_md5
        where false
    {%- endif -%}
{% endmacro %}

{#- Stops a refresh when a stored line's status could change: a line
    dated after the stored build's as-of date, or too far in the future
    then, that now falls before the as-of date or the clock; or an input
    whose blank currencies take their order's currency, which a new file
    may hold. Each would need the stored lines validated again. #}
{% macro refresh_stale_lines_check(currency_blanks) %}
    {%- if not execute -%}
        {{- return('') -}}
    {%- endif -%}
    {%- set full = " Build in full instead (var refresh_from_stored: false, "
        ~ "or segmentation publish without --refresh)." -%}
    {%- if currency_blanks -%}
        {{ exceptions.raise_compiler_error(
            "Some new order lines have no currency and take the currency of "
            ~ "their order's other lines, which may be stored lines: a "
            ~ "refresh cannot look them up." ~ full
        ) }}
    {%- endif -%}
    {%- set query -%}
        select count(*)
        from {{ this }} as stored
        cross join {{ ref('int_as_of_dates_resolved') }} as as_of_dates
        where
            (
                stored.line_status = 'after_as_of_date'
                and stored.ordered_at < as_of_dates.as_of_date
            )
            or (
                stored.quarantine_reason = 'timestamp_in_future'
                and stored.ordered_at <= as_of_dates.future_after
            )
    {%- endset -%}
    {%- set stale = run_query(query).columns[0].values()[0] -%}
    {%- if stale > 0 -%}
        {{ exceptions.raise_compiler_error(
            stale ~ " stored order lines were dated after the stored build's "
            ~ "as-of date (or in the future) and now fall inside the window "
            ~ "(var as_of_date, or the clock): they would count now." ~ full
        ) }}
    {%- endif -%}
{% endmacro %}

{#- The as-of dates a model of the dated RFM chain computes in this run,
    as a query: every date on a full build; on a refresh, the dates the
    stored model lacks (a new current date) and those the new lines reach.
    A line can change the figures of a date only if that date is after the
    first line of the line's order (an order counts for a date once all its
    lines are before it, and a window keeps it by its first line), so the
    dates after the earliest first line of an order with a new line.
    `date_column`: the model's column of those dates. #}
{% macro refreshed_as_of_dates(date_column='as_of_date') %}
    {%- if not is_incremental() %}
    select as_of_date from {{ ref('int_history_as_of_dates_resolved') }}
    {%- else %}
    select as_of_date
    from {{ stored_relation('int_history_as_of_dates_resolved') }}
    where
        as_of_date not in (select distinct {{ date_column }} from {{ this }})
        or as_of_date > (
            select min(orders.first_line_at)
            from {{ stored_relation('int_orders_aggregated') }} as orders
            inner join (
                select distinct
                    customer_id,
                    order_id
                from {{ stored_relation('stg_orders__new_order_lines') }}
            ) as new_orders
                on
                    orders.customer_id = new_orders.customer_id
                    and orders.order_id = new_orders.order_id
        )
    {%- endif %}
{% endmacro %}

{#- A pre-hook of the dated chain's incremental models: on a refresh, the
    stored rows of dates no longer computed (the previous current date, a
    date past var history_max_as_of_dates) go; the dates recomputed are
    replaced by the model's delete+insert. #}
{% macro drop_stale_as_of_dates() %}
    {%- if is_incremental() -%}
        delete from {{ this }}
        where as_of_date not in (
            select as_of_date
            from {{ stored_relation('int_history_as_of_dates_resolved') }}
        )
    {%- endif -%}
{% endmacro %}

{#- A pre-hook of segment_transitions: on a refresh, the stored flows of
    pairs of dates that are no longer consecutive as-of dates go (the
    previous current date, a date past var history_max_as_of_dates, and the
    pair of the new oldest date, which has no earlier one now). #}
{% macro drop_stale_date_pairs() %}
    {%- if is_incremental() -%}
        delete from {{ this }}
        where not exists (
            select 1
            from {{ stored_relation('int_history_as_of_dates_resolved') }}
                as dates
            where
                dates.as_of_date = {{ this }}.to_as_of_date
                and dates.previous_as_of_date = {{ this }}.from_as_of_date
        )
    {%- endif -%}
{% endmacro %}

{#- The config of the line-level tables: a refresh appends the lines of the
    new files and keeps the stored ones as the build that read them checked
    them (macro order_lines_added_by_refresh reads the lines after them). #}
{% macro appended_lines_config() %}
    {{ config(materialized='incremental', incremental_strategy='append') }}
{% endmacro %}

{#- The config of the dated models: a refresh replaces the rows of the
    dates macro refreshed_as_of_dates names (delete+insert by `date_column`;
    Spark, where no refresh runs, takes append) and the pre-hook macro
    `drop_stale` drops the rows no longer computed. A refresh builds what a
    build of the same project stored, so a changed schema is an error. #}
{% macro as_of_date_incremental_config(
    date_column='as_of_date', drop_stale='drop_stale_as_of_dates'
) %}
    {{ config(
        materialized='incremental',
        incremental_strategy=(
            'delete+insert' if target.type == 'duckdb' else 'append'
        ),
        unique_key=date_column,
        on_schema_change='fail',
        pre_hook='{{ ' ~ drop_stale ~ '() }}',
    ) }}
{% endmacro %}

{#- A day ahead of the clock, as a plain timestamp: timestamps after it are
    in the future (bad data), with a day's grace for shops whose local time
    runs ahead of UTC. A plain timestamp, since against now() (with time
    zone) every line would be converted first. #}
{% macro future_after_sql() %}
    {{ dbt.dateadd('day', 1, 'cast(' ~ dbt.current_timestamp() ~ ' as timestamp)') }}
{% endmacro %}

{#- The order lines of `relation` that this refresh added: those numbered
    after the last line stored, per input, before this run. Tables that a
    refresh only appends to hold the stored lines as the build that read
    them checked them; the lines after them came from the new files. #}
{% macro order_lines_added_by_refresh(relation) %}
(
    select accounted.order_line_id
    from {{ relation }} as accounted
    left join (
        select
            source_position,
            max(last_line_number) as last_stored_line
        from {{ ref('int_order_input_files_read') }} as files_read
        where not exists (
            select 1
            from {{ ref('stg_orders__new_order_lines') }} as new_lines
            where
                new_lines.source_name = files_read.source_name
                and new_lines.source_file = files_read.source_file
        )
        group by source_position
    ) as stored
        on floor(accounted.order_line_id / 1000000000000)
        = stored.source_position
    where
        accounted.order_line_id
        > floor(accounted.order_line_id / 1000000000000) * 1000000000000
        + coalesce(stored.last_stored_line, 0)
)
{%- endmacro %}
