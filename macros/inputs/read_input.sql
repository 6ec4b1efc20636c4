{#
    The one reader of every input the project takes: the order lines (var
    order_inputs), the customer-feature table (var customer_features_input)
    and the campaign files (vars campaign_responses, campaign_uplift_input).

    read_input(spec, label, fix, own_keys, typed) checks the entry, finds its
    files, looks at each one, lets DuckDB's sniffer decide what the entry
    leaves open, reads every line once to catch what the sniffer's sample
    missed, and returns a dict:
      relation_sql  what to select from (read_csv / read_parquet / relation)
      columns       {name: type} as the reader gives them
      files         the files read (empty ones left out)
      options       the reading options given, checked
      log           [{file, setting, value, decided_by, note}], for the
                    input_reading_log mart
    `label` names the input in messages ("order_inputs[0] 'shop'"), `fix`
    names where its options go ("var order_inputs[0]"), `own_keys` are the
    entry's other keys (name, columns, id, ...), and `typed` says whether
    CSV columns get sniffed types (true) or are read as text (false: the
    order lines parse each value themselves, so one bad value is a
    quarantined line instead of a failed load).

    Every problem stops the build naming the input, the file and the option
    to set. Before execution (while dbt parses) nothing is read.
#}

{#- The reading options an entry may give, named as in DuckDB's read_csv,
    with the kind of value each takes. #}
{% macro input_reading_options() %}
    {{- return({
        'format': ['csv', 'parquet'],
        'delimiter': 'text',
        'quote': 'text',
        'escape': 'text',
        'header': 'boolean',
        'encoding': ['utf-8', 'utf-16', 'latin-1', 'windows-1252', 'cp1252'],
        'skip': 'count',
        'nullstr': 'texts',
        'max_line_size': 'count',
        'union_by_name': 'boolean',
        'decimal_separator': ['.', ','],
        'thousands': ['.', ',', ' ', "'"],
        'timestampformat': 'texts',
        'amount_currency': 'currency',
        'types': 'mapping',
        'line_key': 'texts',
    }) -}}
{% endmacro %}

{#- A Python value as a SQL literal: text quoted, lists and maps in
    DuckDB's syntax. #}
{% macro input_literal(value) %}
    {%- if value is none -%}
        {{- return('null') -}}
    {%- elif value is boolean -%}
        {{- return('true' if value else 'false') -}}
    {%- elif value is number -%}
        {{- return(value | string) -}}
    {%- elif value is string -%}
        {{- return("'" ~ value | replace("'", "''") ~ "'") -}}
    {%- elif value is mapping -%}
        {%- set parts = [] -%}
        {%- for key, item in value.items() -%}
            {%- do parts.append(input_literal(key | string) ~ ': '
                ~ input_literal(item)) -%}
        {%- endfor -%}
        {{- return('{' ~ parts | join(', ') ~ '}') -}}
    {%- else -%}
        {%- set parts = [] -%}
        {%- for item in value -%}
            {%- do parts.append(input_literal(item)) -%}
        {%- endfor -%}
        {{- return('[' ~ parts | join(', ') ~ ']') -}}
    {%- endif -%}
{% endmacro %}

{#- The entry's reading options, checked: unknown keys and values of the
    wrong kind stop the build with the list of what is allowed. `delim` and
    `sep` are DuckDB's other names for delimiter. #}
{% macro input_options(spec, label, fix, own_keys) %}
    {%- if spec is not mapping -%}
        {{ exceptions.raise_compiler_error(
            label ~ " must be a mapping with path (or relation) and its "
            ~ "columns; got: " ~ spec ~ " (" ~ fix ~ ")."
        ) }}
    {%- endif -%}
    {%- set known = input_reading_options() -%}
    {%- set aliases = {'delim': 'delimiter', 'sep': 'delimiter'} -%}
    {%- set allowed = ['path', 'relation'] + own_keys + known.keys() | list
        + aliases.keys() | list -%}
    {%- set options = {} -%}
    {%- for key, value in spec.items() -%}
        {%- if key not in allowed -%}
            {{ exceptions.raise_compiler_error(
                label ~ ": unknown key '" ~ key ~ "' (" ~ fix ~ "). Known keys: "
                ~ allowed | join(', ')
            ) }}
        {%- endif -%}
        {%- set name = aliases.get(key, key) -%}
        {%- if name in known and value is not none -%}
            {%- set kind = known[name] -%}
            {%- if kind == 'texts' and value is string -%}
                {%- set value = [value] -%}
            {%- endif -%}
            {%- if kind is not string -%}
                {%- set value = value | lower if value is string else value -%}
                {%- set ok = value in kind -%}
                {%- set expected = "one of " ~ kind | join(' | ') -%}
            {%- elif kind == 'text' -%}
                {%- set ok = value is string and value | length <= 4 -%}
                {%- set expected = "a character (e.g. ';' or '\\t')" -%}
            {%- elif kind == 'boolean' -%}
                {%- set ok = value is boolean -%}
                {%- set expected = "true or false" -%}
            {%- elif kind == 'count' -%}
                {%- set ok = value is number and value == value | int
                    and value >= 0 -%}
                {%- set expected = "a whole number" -%}
            {%- elif kind == 'texts' -%}
                {%- set ok = value is not mapping and value | length > 0 -%}
                {%- set expected = "a text or a list of texts" -%}
            {%- elif kind == 'currency' -%}
                {%- set ok = value is string
                    and modules.re.match('^[A-Za-z]{3}$', value) -%}
                {%- set value = value | upper if ok else value -%}
                {%- set expected = "a three-letter currency code (EUR)" -%}
            {%- else -%}
                {%- set ok = value is mapping -%}
                {%- set expected = "a map of column name to type" -%}
            {%- endif -%}
            {%- if not ok -%}
                {{ exceptions.raise_compiler_error(
                    label ~ ": option " ~ name ~ " is '" ~ value ~ "'; it takes "
                    ~ expected ~ " (" ~ fix ~ ")."
                ) }}
            {%- endif -%}
            {%- do options.update({name: value}) -%}
        {%- endif -%}
    {%- endfor -%}
    {#- DuckDB has no Windows-1252 reader: its Latin-1 reader reads the same
        bytes alike except 0x80-0x9F (the euro sign, curly quotes), on which
        it stops, so nothing is misread. #}
    {%- if options.get('encoding') in ['windows-1252', 'cp1252'] -%}
        {%- do options.update({'encoding': 'latin-1',
            'encoding_given': options['encoding']}) -%}
    {%- endif -%}
    {%- set has_path = spec.get('path') is not none -%}
    {%- if has_path == (spec.get('relation') is not none) -%}
        {{ exceptions.raise_compiler_error(
            label ~ " needs exactly one of `path` (a Parquet or CSV file, a "
            ~ "glob, or a list of them) or `relation` (a table or view); fix "
            ~ fix ~ "."
        ) }}
    {%- endif -%}
    {%- set path = spec.get('path') -%}
    {%- if has_path and path is not string and (path is mapping
        or path | length == 0) -%}
        {{ exceptions.raise_compiler_error(
            label ~ ": path must be a file, a glob or a non-empty list of "
            ~ "them; got: " ~ path ~ " (" ~ fix ~ ")."
        ) }}
    {%- endif -%}
    {%- set file_only = ['format', 'delimiter', 'quote', 'escape', 'header',
        'encoding', 'skip', 'nullstr', 'max_line_size', 'union_by_name',
        'types'] -%}
    {%- for name in file_only if name in options and not has_path -%}
        {{ exceptions.raise_compiler_error(
            label ~ ": option " ~ name ~ " applies to files, not to a "
            ~ "relation; remove it (" ~ fix ~ ")."
        ) }}
    {%- endfor -%}
    {{- return(options) -}}
{% endmacro %}

{#- The reader: DuckDB looks at every file; other engines read the
    relation, or the path through their own syntax, as given.
    `checked_files` ({path: {size, modified_us, lines}}) are files a stored
    build read whole: while their size and time are the same, their lines
    are not read again (a refresh). #}
{% macro read_input(spec, label, fix, own_keys=[], typed=false,
    checked_files={}) %}
    {{- return(adapter.dispatch('read_input', 'customer_segmentation')(
        spec, label, fix, own_keys, typed, checked_files
    )) -}}
{% endmacro %}

{% macro default__read_input(spec, label, fix, own_keys, typed, checked_files) %}
    {%- set options = input_options(spec, label, fix, own_keys) -%}
    {%- set reading = {'options': options, 'files': [], 'log': [],
        'columns': {}, 'format': options.get('format')} -%}
    {%- if spec.get('relation') is not none -%}
        {%- do reading.update({'relation_sql': spec['relation'],
            'format': 'relation'}) -%}
    {%- else -%}
        {%- set path = spec['path'] -%}
        {%- if path is not string -%}
            {{ exceptions.raise_compiler_error(
                label ~ ": on this engine `path` takes one file or a glob, "
                ~ "not a list (" ~ fix ~ ")."
            ) }}
        {%- endif -%}
        {%- set file_format = options.get('format')
            or input_format_of(path) -%}
        {%- if file_format == 'csv' -%}
            {{ exceptions.raise_compiler_error(
                label ~ ": CSV files are read on DuckDB only; here, convert "
                ~ "the file to Parquet or load it into a table and give its "
                ~ "`relation` (" ~ fix ~ ")."
            ) }}
        {%- endif -%}
        {%- do reading.update({'format': 'parquet', 'files': [path],
            'relation_sql': "parquet.`" ~ path | replace('`', '``') ~ "`"}) -%}
    {%- endif -%}
    {{- return(input_described(reading, 'describe query')) -}}
{% endmacro %}

{#- The reading, its columns and their types filled in from the engine's
    `describe` statement (`describe` the keyword(s) that start it), in
    DuckDB's type names, which the checks speak: Spark's text is STRING (or
    VARCHAR(n), CHAR(n)), its 32-bit integer INT. Nothing is read while dbt
    parses. #}
{% macro input_described(reading, describe) %}
    {%- set type_names = {'STRING': 'VARCHAR', 'INT': 'INTEGER',
        'LONG': 'BIGINT', 'SHORT': 'SMALLINT', 'BYTE': 'TINYINT'} -%}
    {%- if execute -%}
        {%- set describe_sql = describe ~ ' select * from '
            ~ reading['relation_sql'] -%}
        {%- for row in run_query(describe_sql).rows -%}
            {%- set type = row[1] | upper -%}
            {%- if type.startswith('VARCHAR(') or type.startswith('CHAR(') -%}
                {%- set type = 'VARCHAR' -%}
            {%- endif -%}
            {%- do reading['columns'].update(
                {row[0]: type_names.get(type, type)}) -%}
        {%- endfor -%}
    {%- endif -%}
    {{- return(reading) -}}
{% endmacro %}

{% macro duckdb__read_input(spec, label, fix, own_keys, typed, checked_files) %}
    {%- set options = input_options(spec, label, fix, own_keys) -%}
    {%- set reading = {'options': options, 'files': [], 'log': [],
        'columns': {}, 'format': 'relation', 'label': label, 'fix': fix,
        'checked_files': checked_files} -%}
    {%- if spec.get('relation') is not none -%}
        {%- do reading.update({'relation_sql': spec['relation']}) -%}
        {%- if execute -%}
            {%- do input_check_relation(spec['relation'], label, fix) -%}
        {%- endif -%}
    {%- else -%}
        {%- do input_read_files(spec, reading, typed) -%}
    {%- endif -%}
    {{- return(input_described(reading, 'describe')) -}}
{% endmacro %}

{#- csv or parquet from a file name: .csv, .tsv and .txt (also gzipped)
    are CSV, anything else Parquet. #}
{% macro input_format_of(path) %}
    {%- set lowered = path.lower() -%}
    {%- if lowered.endswith('.gz') -%}
        {%- set lowered = lowered[:-3] -%}
    {%- endif -%}
    {%- for suffix in ['.csv', '.tsv', '.txt'] if lowered.endswith(suffix) -%}
        {{- return('csv') -}}
    {%- endfor -%}
    {{- return('parquet') -}}
{% endmacro %}

{#- A relation that does not exist stops the build with the tables and
    views whose names come closest. #}
{% macro input_check_relation(relation, label, fix) %}
    {%- set parts = relation.replace('"', '').lower().split('.') -%}
    {%- set name = parts[-1] -%}
    {%- set schema = parts[-2] if parts | length > 1 else none -%}
    {%- set database = parts[-3] if parts | length > 2 else none -%}
    {%- set conditions = ["lower(relation_name) = " ~ input_literal(name)] -%}
    {%- if database is not none -%}
        {%- do conditions.append("lower(database_name) = "
            ~ input_literal(database) ~ " and lower(schema_name) = "
            ~ input_literal(schema)) -%}
    {%- elif schema is not none -%}
        {%- do conditions.append("(lower(schema_name) = " ~ input_literal(schema)
            ~ " or lower(database_name) = " ~ input_literal(schema) ~ ")") -%}
    {%- endif -%}
    {%- set query -%}
        with relations as (
            select database_name, schema_name, table_name as relation_name
            from duckdb_tables()
            union all
            select database_name, schema_name, view_name
            from duckdb_views()
            where not internal
        )
        select
            count(*) filter (where {{ conditions | join(' and ') }}),
            string_agg(
                database_name || '.' || schema_name || '.' || relation_name,
                ', ' order by distance, relation_name
            ) filter (where rank <= 3)
        from (
            select
                *,
                levenshtein(lower(relation_name), {{ input_literal(name) }})
                    as distance,
                row_number() over (
                    order by
                        levenshtein(lower(relation_name), {{ input_literal(name) }}),
                        relation_name
                ) as rank
            from relations
        )
    {%- endset -%}
    {%- set row = run_query(query).rows[0] -%}
    {%- if row[0] == 0 -%}
        {{ exceptions.raise_compiler_error(
            label ~ ": relation '" ~ relation ~ "' does not exist"
            ~ (" (closest: " ~ row[1] ~ ")" if row[1] else "")
            ~ ". Fix the relation of " ~ fix ~ "."
        ) }}
    {%- endif -%}
{% endmacro %}

{#- The files of an entry's `path` (a file, a glob, or a list of them), in
    name order, each with its size in bytes and its modification time (in
    microseconds since 1970, UTC). An entry that matches no file stops the
    build naming it. #}
{% macro input_files(spec, label, fix) %}
    {%- set path = spec['path'] -%}
    {%- set entries = [path] if path is string else path -%}
    {%- set files = [] -%}
    {%- set seen = [] -%}
    {%- for entry in entries -%}
        {%- set found = run_query(
            "select count(*) from glob(" ~ input_literal(entry | string) ~ ")"
        ).columns[0].values()[0] -%}
        {%- if found == 0 -%}
            {{ exceptions.raise_compiler_error(
                label ~ ": no file matches path '" ~ entry ~ "'"
                ~ (" (entry " ~ loop.index0 ~ " of its list)"
                    if path is not string else "")
                ~ "; relative paths start at the folder dbt runs in. Fix the "
                ~ "path of " ~ fix ~ "."
            ) }}
        {%- endif -%}
        {%- set listed = run_query(
            "select filename, size, epoch_us(last_modified) from read_blob("
            ~ input_literal(entry | string) ~ ") order by filename"
        ) -%}
        {%- for row in listed.rows if row[0] not in seen -%}
            {%- do seen.append(row[0]) -%}
            {%- do files.append({'path': row[0], 'size': row[1],
                'modified_us': row[2]}) -%}
        {%- endfor -%}
    {%- endfor -%}
    {{- return(files) -}}
{% endmacro %}

{#- What the first lines of a file look like, read as UTF-8 text that can
    never fail: 'text', 'utf-16' (text with a NUL byte beside each
    character), or 'binary' (control characters: Parquet, a spreadsheet).
    Also the first line, for messages. #}
{% macro input_peek(file) %}
    {%- set query -%}
        select
            count(*) as lines,
            count(*) filter (where regexp_matches(line, '\x00')) as nul_lines,
            count(*) filter (
                where regexp_matches(line, '[\x01-\x08\x0b\x0c\x0e-\x1f]')
            ) as control_lines,
            left(first(line), 60) as first_line
        from (
            select line
            from {{ input_lines_reader(file,
                'ignore_errors = true, max_line_size = 100000000') }}
            limit 5
        )
    {%- endset -%}
    {%- set row = run_query(query).rows[0] -%}
    {#- Lines that are not UTF-8 are left out here (ignore_errors): a file
        in another single-byte encoding still reads as text, and its bytes
        are judged by the encoding check that follows. #}
    {%- if row[2] > 0 -%}
        {%- set kind = 'binary' -%}
    {%- elif row[1] > 0 -%}
        {%- set kind = 'utf-16' -%}
    {%- else -%}
        {%- set kind = 'text' -%}
    {%- endif -%}
    {{- return({'kind': kind, 'first_line': row[3]}) -}}
{% endmacro %}

{#- A file read as whole lines of text, one column `line`: no header, no
    quotes, a delimiter that text does not hold; `options` are read_csv's
    further options, as SQL. #}
{% macro input_lines_reader(file, options) %}
    read_csv(
        {{ input_literal(file) }},
        columns = {'line': 'VARCHAR'}, header = false,
        auto_detect = false, delim = chr(1), quote = '', escape = '',
        strict_mode = false, {{ options }}
    )
{%- endmacro %}

{#- The first lines of a CSV file in its encoding, up to as many as the
    sniffer samples: a line that is not in the encoding, or longer than
    max_line_size, stops the build here, before the sniffer would fail on
    it with a message that names neither the input nor the option. #}
{% macro input_check_text(file, encoding, options, label, fix) %}
    {%- set limit = options.get('max_line_size', 2000000) -%}
    {%- do run_query("drop table if exists input_text_errors;"
        ~ " drop table if exists input_text_scans") -%}
    {%- set query -%}
        select count(*)
        from (
            select line
            from {{ input_lines_reader(file,
                'encoding = ' ~ input_literal(encoding)
                ~ ', max_line_size = ' ~ limit ~ ', ignore_errors = true,'
                ~ " store_rejects = true, rejects_table = 'input_text_errors',"
                ~ " rejects_scan = 'input_text_scans'") }}
            limit 20480
        )
    {%- endset -%}
    {%- do run_query(query) -%}
    {%- set rejected = run_query(
        "select error_type, line, left(csv_line, 60),"
        ~ " regexp_extract(error_message, 'Actual Size: *([0-9]+)', 1)"
        ~ " from input_text_errors order by line limit 1"
    ).rows -%}
    {%- if rejected | length > 0 -%}
        {%- do input_raise_reject(rejected[0], file, encoding, options, label,
            fix) -%}
    {%- endif -%}
{% endmacro %}

{#- Words a rejected line (error type, line number, its text, its size) as
    the option to set. #}
{% macro input_raise_reject(rejected, file, encoding, options, label, fix) %}
    {%- set kind, line, text = rejected[0], rejected[1], rejected[2] -%}
    {%- set where = label ~ ": line " ~ line ~ " of file " ~ file -%}
    {%- if kind in ['INVALID ENCODING', 'INVALID UNICODE'] -%}
        {%- set other = 'latin-1 or utf-16' if encoding == 'utf-8'
            else 'utf-8' -%}
        {{ exceptions.raise_compiler_error(
            where ~ " is not " ~ encoding ~ " text ('" ~ text ~ "'). Set "
            ~ "encoding: " ~ (other.split(' ')[0]) ~ " (DuckDB reads utf-8, "
            ~ "utf-16 and latin-1) on " ~ fix ~ "."
        ) }}
    {%- elif kind == 'LINE SIZE OVER MAXIMUM' -%}
        {%- set size = (rejected[3] | int) if rejected[3] else 0 -%}
        {{ exceptions.raise_compiler_error(
            where ~ " is " ~ size ~ " bytes long, above max_line_size ("
            ~ options.get('max_line_size', 2000000) ~ " bytes). Set "
            ~ "max_line_size: " ~ ([size * 2, 4000000] | max) ~ " on " ~ fix
            ~ " if the line is meant to be that long."
        ) }}
    {%- elif kind in ['TOO MANY COLUMNS', 'MISSING COLUMNS', 'UNQUOTED VALUE'] -%}
        {{ exceptions.raise_compiler_error(
            where ~ " does not split into the header's columns (" ~ kind | lower
            ~ ": '" ~ text ~ "'). Check the delimiter, quote and escape "
            ~ "(input_reading_log shows what was sniffed) and set them on "
            ~ fix ~ "."
        ) }}
    {%- elif kind == 'CAST' -%}
        {{ exceptions.raise_compiler_error(
            where ~ " holds a value of another type than the lines before it "
            ~ "('" ~ text ~ "'). Set its column's type with types: {column: "
            ~ "VARCHAR}, or list placeholder values in nullstr, on " ~ fix ~ "."
        ) }}
    {%- else -%}
        {{ exceptions.raise_compiler_error(
            where ~ " cannot be read (" ~ kind ~ ": '" ~ text ~ "'). Check the "
            ~ "file, or the reading options on " ~ fix ~ "."
        ) }}
    {%- endif -%}
{% endmacro %}

{#- The read_csv / read_parquet options for an entry: what it gives, and
    the encoding found when it gives none. Typed reads also take the number
    and timestamp options; text reads leave those to the models. #}
{% macro input_reader_options(reading, typed, with_union=true) %}
    {%- set options = reading['options'] -%}
    {%- set parts = [] -%}
    {%- if reading['format'] == 'csv' -%}
        {%- set names = {'delimiter': 'delim', 'quote': 'quote',
            'escape': 'escape', 'header': 'header', 'skip': 'skip',
            'nullstr': 'nullstr', 'max_line_size': 'max_line_size'} -%}
        {%- if typed -%}
            {%- do names.update({'decimal_separator': 'decimal_separator',
                'thousands': 'thousands', 'timestampformat': 'timestampformat',
                'types': 'types'}) -%}
        {%- else -%}
            {%- do parts.append('all_varchar = true') -%}
        {%- endif -%}
        {%- for name, duckdb_name in names.items() if name in options -%}
            {%- set value = options[name] -%}
            {%- if name == 'timestampformat' -%}
                {%- set value = value[0] -%}
            {%- endif -%}
            {%- do parts.append(duckdb_name ~ ' = ' ~ input_literal(value)) -%}
        {%- endfor -%}
        {%- do parts.append('encoding = ' ~ input_literal(reading['encoding'])) -%}
    {%- endif -%}
    {%- if with_union and options.get('union_by_name') -%}
        {%- do parts.append('union_by_name = true') -%}
    {%- endif -%}
    {{- return(parts) -}}
{% endmacro %}

{#- read_csv / read_parquet over `files` with the entry's options; each line
    also carries its file (_input_file) and, for Parquet, its row in the
    file (_input_file_row). #}
{% macro input_relation_sql(files, reading, typed) %}
    {%- set parts = [input_literal(files)] + input_reader_options(reading, typed)
        + ["filename = '_input_file'"] -%}
    {%- if reading['format'] == 'csv' -%}
        {{- return('read_csv(' ~ parts | join(', ') ~ ')') -}}
    {%- endif -%}
    {%- do parts.append('file_row_number = true') -%}
    {{- return('read_parquet(' ~ parts | join(', ') ~ ')') -}}
{% endmacro %}

{#- Adds a line to the reading's log (see input_reading_log). #}
{% macro input_log(reading, file, setting, value, decided_by, note='') %}
    {%- do reading['log'].append({'file': file, 'setting': setting,
        'value': value | string, 'decided_by': decided_by, 'note': note}) -%}
{% endmacro %}

{#- Files: which ones, what kind, their dialect, their lines. Fills
    `reading` (format, files, encoding, relation_sql, log). #}
{% macro input_read_files(spec, reading, typed) %}
    {%- set label, fix, options = reading['label'], reading['fix'],
        reading['options'] -%}
    {%- set path = spec['path'] -%}
    {%- set first = path if path is string else path[0] -%}
    {%- set given_format = options.get('format') -%}
    {%- do reading.update({'format': given_format or input_format_of(first),
        'encoding': options.get('encoding', 'utf-8')}) -%}
    {%- if not execute -%}
        {%- do reading.update({'relation_sql': input_relation_sql(
            [path] if path is string else path, reading, typed)}) -%}
        {{- return(none) -}}
    {%- endif -%}

    {%- set files = input_files(spec, label, fix) -%}
    {%- if given_format is none -%}
        {%- set formats = [] -%}
        {%- for file in files if input_format_of(file['path']) not in formats -%}
            {%- do formats.append(input_format_of(file['path'])) -%}
        {%- endfor -%}
        {%- if formats | length > 1 -%}
            {{ exceptions.raise_compiler_error(
                label ~ ": its files are of different kinds ("
                ~ formats | join(' and ') ~ ", by their names). Give each kind "
                ~ "an entry of its own, or set format on " ~ fix ~ "."
            ) }}
        {%- endif -%}
        {%- do reading.update({'format': formats[0]}) -%}
        {%- do input_log(reading, none, 'format', formats[0], 'default',
            'from the file name, checked against the content') -%}
    {%- else -%}
        {%- do input_log(reading, none, 'format', given_format, 'given') -%}
    {%- endif -%}
    {%- set file_format = reading['format'] -%}

    {%- set kept = [] -%}
    {%- set kinds = {} -%}
    {%- for file in files -%}
        {%- if file['size'] == 0 -%}
            {%- do input_log(reading, file['path'], 'skipped', 'empty file',
                'detected', '0 bytes: no header to read, so no lines') -%}
        {%- else -%}
            {%- set peek = input_peek(file['path']) -%}
            {#- Parquet's bytes can pass for text lines or for UTF-16 (NUL
                bytes); only readable text that does not open with the
                Parquet magic 'PAR1' is surely not Parquet. #}
            {%- if file_format == 'parquet' and peek['kind'] == 'text'
                and peek['first_line'] is not none
                and not peek['first_line'].startswith('PAR1') -%}
                {{ exceptions.raise_compiler_error(
                    label ~ ": file " ~ file['path'] ~ " is text, not Parquet "
                    ~ "(it starts '" ~ peek['first_line'] ~ "'). Set format: "
                    ~ "csv on " ~ fix ~ "."
                ) }}
            {%- elif file_format == 'csv' and peek['kind'] == 'binary' -%}
                {{ exceptions.raise_compiler_error(
                    label ~ ": file " ~ file['path'] ~ " is not text: it holds "
                    ~ "binary data, as Parquet files and spreadsheets do. If it "
                    ~ "is Parquet, set format: parquet on " ~ fix ~ "; save a "
                    ~ "spreadsheet as CSV."
                ) }}
            {%- endif -%}
            {%- do kinds.update({file['path']: peek['kind']}) -%}
            {%- do kept.append(file['path']) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- if kept | length == 0 -%}
        {{ exceptions.raise_compiler_error(
            label ~ ": the input has no rows (every file is empty), so there "
            ~ "is nothing to read. Point " ~ fix ~ " at the data."
        ) }}
    {%- endif -%}
    {%- set sizes = {} -%}
    {%- set modified = {} -%}
    {%- set checked_rows = {} -%}
    {%- for file in files if file['path'] in kept -%}
        {%- do sizes.update({file['path']: file['size']}) -%}
        {%- do modified.update({file['path']: file['modified_us']}) -%}
        {%- set checked = reading['checked_files'].get(file['path']) -%}
        {%- if checked and checked['size'] == file['size']
            and checked['modified_us'] == file['modified_us'] -%}
            {%- do checked_rows.update({file['path']: checked['lines']}) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- do reading.update({'checked_rows': checked_rows}) -%}
    {#- The sizes, modification times and `typed` let a refresh read only
        the files a stored build has not read, the same way (macro
        order_inputs_unread). #}
    {%- do reading.update({'files': kept, 'file_sizes': sizes,
        'file_modified_us': modified, 'typed': typed}) -%}

    {%- if file_format == 'csv' -%}
        {%- do input_decide_encoding(reading, kinds) -%}
        {%- do input_sniff_files(reading) -%}
    {%- else -%}
        {%- do input_check_parquet_schemas(reading) -%}
    {%- endif -%}
    {%- do reading.update({'relation_sql': input_relation_sql(kept, reading,
        typed)}) -%}
    {%- do input_count_lines(reading, typed) -%}
{% endmacro %}

{#- The encoding: the one given, else utf-16 when the files look like it,
    else utf-8; then the first lines of each file are checked in it. #}
{% macro input_decide_encoding(reading, kinds) %}
    {%- set given = reading['options'].get('encoding') -%}
    {%- set found = kinds.values() | unique | list -%}
    {%- if 'encoding_given' in reading['options'] -%}
        {%- do input_log(reading, none, 'encoding', given, 'given',
            'for ' ~ reading['options']['encoding_given'] ~ ': DuckDB reads '
            ~ 'it as latin-1 and stops on bytes 0x80-0x9F (e.g. the euro '
            ~ 'sign); transcode such a file to utf-8') -%}
    {%- elif given is not none -%}
        {%- do input_log(reading, none, 'encoding', given, 'given') -%}
    {%- elif found | length > 1 -%}
        {{ exceptions.raise_compiler_error(
            reading['label'] ~ ": some files are utf-16 and others utf-8 ("
            ~ kinds ~ "). Give each encoding an entry of its own with its "
            ~ "encoding (" ~ reading['fix'] ~ ")."
        ) }}
    {%- elif found[0] == 'utf-16' -%}
        {%- do reading.update({'encoding': 'utf-16'}) -%}
        {%- do input_log(reading, none, 'encoding', 'utf-16', 'detected',
            'a NUL byte beside each character') -%}
    {%- else -%}
        {%- do input_log(reading, none, 'encoding', 'utf-8', 'default',
            'every line read is checked to be utf-8') -%}
    {%- endif -%}
    {%- for file in reading['files'] if file not in reading['checked_rows'] -%}
        {%- do input_check_text(file, reading['encoding'], reading['options'],
            reading['label'], reading['fix']) -%}
    {%- endfor -%}
{% endmacro %}

{#- DuckDB's sniffer on each file, with the options given: delimiter,
    quote, escape, header and the column names. Files of one entry must
    agree on them (columns only without union_by_name): a file without a
    header, or with another column, would otherwise be read wrong. A file
    that shows no quote, or no escaped quote, agrees with any: the sniffer
    says '(empty)' for want of an example (a day's export without a comma
    inside a field). All the files are then read with the one value the
    others show, which DuckDB would otherwise take from the first file
    alone, misreading a later file's quoted or escaped fields. #}
{% macro input_sniff_files(reading) %}
    {%- set label, fix, options = reading['label'], reading['fix'],
        reading['options'] -%}
    {%- set arguments = input_reader_options(reading, true, false) -%}
    {%- set sniffed = [] -%}
    {%- for file in reading['files'] -%}
        {%- set query -%}
            select
                Delimiter, Quote, Escape, HasHeader, SkipRows,
                to_json(list_transform(Columns, lambda sniffed: sniffed.name))
            from sniff_csv({{ ([input_literal(file)] + arguments) | join(', ') }})
        {%- endset -%}
        {%- set row = run_query(query).rows[0] -%}
        {%- do sniffed.append({'file': file, 'delimiter': row[0],
            'quote': row[1], 'escape': row[2], 'header': row[3],
            'skip': row[4], 'columns': fromjson(row[5])}) -%}
    {%- endfor -%}
    {%- set base = sniffed[0] -%}
    {%- for one in sniffed[1:] -%}
        {%- set against = " where " ~ base['file'] ~ " " -%}
        {%- if one['header'] != base['header'] -%}
            {{ exceptions.raise_compiler_error(
                label ~ ": file " ~ one['file'] ~ " has "
                ~ ("a header line" if one['header'] else "no header line")
                ~ against ~ ("has one" if base['header'] else "has none")
                ~ ": read together, a header would be taken for data or a "
                ~ "line for a header. Give the file an entry of its own with "
                ~ "header: " ~ (one['header'] | lower) ~ ", or fix the file ("
                ~ fix ~ ")."
            ) }}
        {%- endif -%}
        {%- if one['delimiter'] != base['delimiter'] -%}
            {{ input_sniff_disagreement(reading, 'delimiter', one, base) }}
        {%- endif -%}
        {%- if one['columns'] != base['columns']
            and not options.get('union_by_name') -%}
            {%- set extra = one['columns'] | reject('in', base['columns'])
                | list -%}
            {%- set missing = base['columns'] | reject('in', one['columns'])
                | list -%}
            {{ exceptions.raise_compiler_error(
                label ~ ": file " ~ one['file'] ~ " has other columns than "
                ~ base['file'] ~ " (extra: " ~ (extra | join(', ') or 'none')
                ~ "; missing: " ~ (missing | join(', ') or 'none')
                ~ "; or in another order). Set union_by_name: true on " ~ fix
                ~ " to match columns by name."
            ) }}
        {%- endif -%}
    {%- endfor -%}
    {%- set shown_by = {} -%}
    {%- for setting in ['quote', 'escape'] if setting not in options -%}
        {%- set shown = sniffed | rejectattr(setting, 'equalto', '(empty)')
            | list -%}
        {%- for one in shown[1:] if one[setting] != shown[0][setting] -%}
            {{ input_sniff_disagreement(reading, setting, one, shown[0]) }}
        {%- endfor -%}
        {%- if shown and shown | length < sniffed | length -%}
            {%- do shown_by.update({setting: shown[0]}) -%}
        {%- endif -%}
    {%- endfor -%}
    {#- A file that shows none agrees only when the character could not
        change how it reads: the sniffer also says '(empty)' for a field
        that starts with a stray quote ("Best" mug set), which the others'
        quote would misread. A quote inside a field (an inch mark: 12"
        tray) reads as itself. An escape that doubles the quote needs no
        look: it acts only inside a quoted field, where the sniffer sees a
        doubled quote. #}
    {%- set quote_read = options.get('quote', shown_by['quote']['quote']
        if 'quote' in shown_by else base['quote']) -%}
    {%- for setting, shown in shown_by.items() -%}
        {%- set character = input_literal(shown[setting]) -%}
        {%- if setting == 'quote' -%}
            {%- set risky = 'starts_with(line, ' ~ character ~ ') or contains('
                ~ 'line, ' ~ input_literal(base['delimiter'] ~ shown[setting])
                ~ ')' -%}
        {%- else -%}
            {%- set risky = 'contains(line, ' ~ character ~ ')' -%}
        {%- endif -%}
        {%- for one in sniffed if one[setting] == '(empty)'
            and not (setting == 'escape' and shown[setting] == quote_read)
            and input_lines_where(one['file'], risky, reading) > 0 -%}
            {{ input_sniff_disagreement(reading, setting, one, shown) }}
        {%- endfor -%}
    {%- endfor -%}
    {%- for setting in ['delimiter', 'quote', 'escape', 'header', 'skip'] -%}
        {%- set value = base[setting] -%}
        {%- if setting in options -%}
            {%- do input_log(reading, none, setting, options[setting], 'given') -%}
        {%- elif setting in shown_by -%}
            {%- set shown = shown_by[setting] -%}
            {%- do options.update({setting: shown[setting]}) -%}
            {%- do input_log(reading, none, setting, shown[setting], 'sniffed',
                'by DuckDB on each file: ' ~ shown['file'] ~ ' shows it, and '
                ~ 'the files that show none are read with it') -%}
        {%- else -%}
            {%- do input_log(reading, none, setting,
                value | lower if value is boolean else value, 'sniffed',
                'by DuckDB on each file; all agree') -%}
        {%- endif -%}
    {%- endfor -%}
    {%- do input_log(reading, none, 'columns', base['columns'] | join(', '),
        'sniffed', 'union by name' if options.get('union_by_name') else '') -%}
{% endmacro %}

{#- How many lines of `file`, read in the input's encoding as whole lines
    (column `line`), meet the SQL condition `where`. #}
{% macro input_lines_where(file, where, reading) %}
    {%- set query -%}
        select count(*)
        from {{ input_lines_reader(file,
            'encoding = ' ~ input_literal(reading['encoding'])
            ~ ', max_line_size = ' ~ reading['options'].get('max_line_size',
                2000000)) }}
        where {{ where }}
    {%- endset -%}
    {{- return(run_query(query).columns[0].values()[0]) -}}
{% endmacro %}

{#- Stops the build: file `one` was sniffed with another delimiter, quote
    or escape than file `other`. Names the value to set when the option
    would make both read as one. #}
{% macro input_sniff_disagreement(reading, setting, one, other) %}
    {{ exceptions.raise_compiler_error(
        reading['label'] ~ ": file " ~ one['file'] ~ " has " ~ setting ~ " '"
        ~ one[setting] ~ "' where " ~ other['file'] ~ " has '" ~ other[setting]
        ~ "': read together, one of them would be read wrong. Give the files "
        ~ "entries of their own, or, if one writer wrote them all, set "
        ~ setting ~ " on " ~ reading['fix'] ~ " to the value it uses."
    ) }}
{% endmacro %}

{#- Parquet files of one entry must have the same columns and types unless
    union_by_name is set: DuckDB reads them all with the first file's, and
    fails (or casts) when one differs. #}
{% macro input_check_parquet_schemas(reading) %}
    {%- set options = reading['options'] -%}
    {%- if reading['files'] | length > 1 and not options.get('union_by_name') -%}
        {#- The types DuckDB reads, not the Parquet annotations: two writers
            annotate the same text or integer column differently (pyarrow's
            String against DuckDB's UTF8). #}
        {%- set rows = [] -%}
        {%- for file in reading['files'] -%}
            {%- set query -%}
                select string_agg(
                    column_name || ' ' || column_type, ', '
                    order by column_name
                )
                from (describe select * from read_parquet({{ input_literal(file) }}))
            {%- endset -%}
            {%- do rows.append([file, run_query(query).columns[0].values()[0]]) -%}
        {%- endfor -%}
        {%- for row in rows[1:] if row[1] != rows[0][1] -%}
            {{ exceptions.raise_compiler_error(
                reading['label'] ~ ": Parquet file " ~ row[0] ~ " has other "
                ~ "columns or types than " ~ rows[0][0] ~ " (" ~ row[1]
                ~ " against " ~ rows[0][1] ~ "). Set union_by_name: true on "
                ~ reading['fix'] ~ " to read each column by name with a type "
                ~ "that holds every file's values."
            ) }}
        {%- endfor -%}
    {%- endif -%}
    {%- if options.get('union_by_name') -%}
        {%- do input_log(reading, none, 'union_by_name', 'true', 'given') -%}
    {%- endif -%}
{% endmacro %}

{#- Reads every line of every file once, each column of it, and counts
    them: a line the sniffer's sample did not show (a stray byte in another
    encoding, an over-long line, a line with too many fields) stops the
    build here naming the input, the file, the line and the option, where
    the model's own read would fail with the engine's words only. A Parquet
    file's rows come from its metadata. #}
{% macro input_count_lines(reading, typed) %}
    {%- set counts = [] -%}
    {%- do reading.update({'file_rows': {}}) -%}
    {%- for file in reading['files'] -%}
        {%- if file in reading['checked_rows'] -%}
            {#- Counted and checked by the build that read it. -#}
            {%- set lines = reading['checked_rows'][file] -%}
        {%- elif reading['format'] == 'parquet' -%}
            {%- set lines = run_query(
                "select num_rows from parquet_file_metadata("
                ~ input_literal(file) ~ ")"
            ).columns[0].values()[0] -%}
        {%- else -%}
            {%- do run_query("drop table if exists input_line_errors;"
                ~ " drop table if exists input_line_scans") -%}
            {%- set arguments = [input_literal(file)]
                + input_reader_options(reading, typed, false)
                + ["ignore_errors = true", "store_rejects = true",
                   "rejects_table = 'input_line_errors'",
                   "rejects_scan = 'input_line_scans'"] -%}
            {%- set lines = run_query(
                "select count(*), count(columns(*)) from read_csv("
                ~ arguments | join(', ') ~ ")"
            ).columns[0].values()[0] -%}
            {%- set rejected = run_query(
                "select error_type, line, left(csv_line, 60),"
                ~ " regexp_extract(error_message, 'Actual Size: *([0-9]+)', 1)"
                ~ " from input_line_errors order by line limit 1"
            ).rows -%}
            {%- if rejected | length > 0 -%}
                {%- do input_raise_reject(rejected[0], file, reading['encoding'],
                    reading['options'], reading['label'], reading['fix']) -%}
            {%- endif -%}
        {%- endif -%}
        {%- do counts.append(lines) -%}
        {%- do reading['file_rows'].update({file: lines}) -%}
        {%- do input_log(reading, file, 'rows', lines, 'counted') -%}
    {%- endfor -%}
    {%- if counts | sum == 0 -%}
        {{ exceptions.raise_compiler_error(
            reading['label'] ~ ": the input has no rows, so there is nothing "
            ~ "to read. Point " ~ reading['fix'] ~ " at the data."
        ) }}
    {%- endif -%}
    {%- do reading.update({'rows': counts | sum}) -%}
{% endmacro %}
