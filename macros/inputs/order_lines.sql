{#
    The order lines of var order_inputs: the project's columns, each input
    read by read_input and checked, and the SQL that stacks them.
#}

{#- The project's order-line columns, one entry each: the kind says which
    input types it takes and how a value is read (order_input_select).
    A new input column is one entry here (and its column in staging). #}
{% macro order_line_columns() %}
    {{- return([
        {'name': 'customer_id', 'kind': 'id', 'required': true},
        {'name': 'order_id', 'kind': 'id', 'required': true},
        {'name': 'ordered_at', 'kind': 'timestamp', 'required': true},
        {'name': 'quantity', 'kind': 'number', 'required': true},
        {'name': 'unit_price', 'kind': 'number', 'required': false},
        {'name': 'line_amount', 'kind': 'number', 'required': false},
        {'name': 'product_id', 'kind': 'code', 'required': false},
        {'name': 'line_number', 'kind': 'code', 'required': false},
        {'name': 'country', 'kind': 'text', 'required': false},
        {'name': 'currency', 'kind': 'code', 'required': false},
        {'name': 'return_flag', 'kind': 'flag', 'required': false},
        {'name': 'email', 'kind': 'text', 'required': false},
        {'name': 'phone', 'kind': 'phone', 'required': false},
        {'name': 'consent', 'kind': 'flag', 'required': false},
    ]) -}}
{% endmacro %}

{#- Whether a column of DuckDB type `column_type` can hold a value of
    `kind`, and how messages say what it may be. #}
{% macro order_column_accepts(kind, column_type) %}
    {%- set type = column_type | upper -%}
    {%- set whole = type in ['TINYINT', 'SMALLINT', 'INTEGER', 'BIGINT',
        'HUGEINT', 'UTINYINT', 'USMALLINT', 'UINTEGER', 'UBIGINT',
        'UHUGEINT'] -%}
    {%- set number = whole or type in ['FLOAT', 'REAL', 'DOUBLE']
        or type.startswith('DECIMAL') -%}
    {%- set text = type == 'VARCHAR' -%}
    {%- set accepts = {
        'id': [text or number or type == 'UUID', 'text or a number'],
        'code': [text or number, 'text or a number'],
        'timestamp': [text or type == 'DATE' or type.startswith('TIMESTAMP'),
            'a timestamp, a date or text'],
        'number': [text or number, 'a number or text'],
        'text': [text, 'text'],
        'phone': [text or whole, 'text or a whole number'],
        'flag': [text or whole or type == 'BOOLEAN',
            'a boolean, text (yes / no) or a whole number (1 / 0)'],
    } -%}
    {{- return(accepts[kind]) -}}
{% endmacro %}

{#- How messages name an entry ("order_inputs[1] 'online_retail'"), after
    checking its name. #}
{% macro order_input_label(order_input, position) %}
    {%- set label = "order_inputs[" ~ (position - 1) ~ "]" -%}
    {%- if order_input is not mapping -%}
        {{ exceptions.raise_compiler_error(
            label ~ " must be a mapping with name, path or relation, and "
            ~ "columns; got: " ~ order_input
        ) }}
    {%- endif -%}
    {%- set name = order_input.get('name') -%}
    {%- if not name -%}
        {{ exceptions.raise_compiler_error(
            label ~ " has no name: give it one (var " ~ label ~ ".name); it "
            ~ "tags every line read from it."
        ) }}
    {%- endif -%}
    {%- if name is not string or not modules.re.match('^[A-Za-z0-9_.-]+$', name) -%}
        {{ exceptions.raise_compiler_error(
            label ~ " name '" ~ name ~ "' may only use letters, digits, '_', "
            ~ "'.' and '-' (var " ~ label ~ ".name)."
        ) }}
    {%- endif -%}
    {{- return(label ~ " '" ~ name ~ "'") -}}
{% endmacro %}

{#- Everything decided about one entry of var order_inputs before a line is
    read: the reading (read_input), the input's column for each project
    column, their types, the timestamp format, and the log of it all. Stops
    the build, naming the entry and what to set, when a required column is
    missing, a column's type cannot mean what it is mapped to, the input
    has no rows, or its numbers look like they use other separators. #}
{% macro order_input_reading(order_input, position) %}
    {%- set label = order_input_label(order_input, position) -%}
    {%- set fix = "var order_inputs[" ~ (position - 1) ~ "]" -%}
    {#- A refresh does not read again the lines of files the stored build
        read whole (unchanged: macro order_inputs_unread stops otherwise). -#}
    {%- set checked_files = {} -%}
    {%- if execute and is_refresh() -%}
        {%- for file in stored_input_files().get(order_input.get('name'), []) -%}
            {%- do checked_files.update({file['path']: file}) -%}
        {%- endfor -%}
    {%- endif -%}
    {%- set reading = read_input(order_input, label, fix, ['name', 'columns'],
        false, checked_files) -%}
    {%- set known = [] -%}
    {%- for column in order_line_columns() -%}
        {%- do known.append(column['name']) -%}
    {%- endfor -%}
    {%- set given = order_input.get('columns') or {} -%}
    {%- for key in given if key not in known -%}
        {{ exceptions.raise_compiler_error(
            label ~ ": unknown key '" ~ key ~ "' in its columns map (" ~ fix
            ~ ".columns). Known keys: " ~ known | join(', ')
        ) }}
    {%- endfor -%}
    {%- set decided = {'label': label, 'fix': fix, 'name': order_input['name'],
        'position': position, 'reading': reading, 'mapping': {}, 'types': {},
        'timestamp': {'format': none}, 'line_key': []} -%}
    {%- if not execute -%}
        {%- for column in order_line_columns()
            if column['required'] or column['name'] in given -%}
            {%- do decided['mapping'].update({column['name']:
                given.get(column['name'], column['name'])}) -%}
        {%- endfor -%}
        {{- return(decided) -}}
    {%- endif -%}

    {%- set found = reading['columns'] -%}
    {%- set by_lower = {} -%}
    {%- for name in found if name not in ['_input_file', 'file_row_number'] -%}
        {%- do by_lower.update({name | lower: name}) -%}
    {%- endfor -%}
    {%- set wrong = [] -%}
    {%- for column in order_line_columns() -%}
        {%- set canonical = column['name'] -%}
        {%- set wanted = given.get(canonical, canonical) -%}
        {%- if wanted is not none and (wanted | lower) in by_lower -%}
            {%- set actual = by_lower[wanted | lower] -%}
            {%- do decided['mapping'].update({canonical: actual}) -%}
            {%- do decided['types'].update({canonical: found[actual]}) -%}
            {%- set accepted = order_column_accepts(column['kind'], found[actual]) -%}
            {%- if not accepted[0] -%}
                {%- do wrong.append("column '" ~ actual ~ "' (mapped to "
                    ~ canonical ~ ") is " ~ found[actual] ~ ", expected "
                    ~ accepted[1]) -%}
            {%- endif -%}
            {%- do input_log(reading, none, 'column ' ~ canonical, actual ~ ' ('
                ~ found[actual] ~ ')', 'given' if canonical in given
                else 'default', '' if canonical in given
                else 'found under its own name') -%}
        {%- elif column['required'] or canonical in given -%}
            {{ exceptions.raise_compiler_error(
                label ~ ": column '" ~ wanted ~ "' (mapped to " ~ canonical
                ~ ") is not in the input. Its columns are: "
                ~ by_lower.values() | list | join(', ') ~ ". Fix " ~ fix
                ~ ".columns." ~ canonical ~ " (var order_inputs)."
            ) }}
        {%- endif -%}
    {%- endfor -%}
    {%- set mapping = decided['mapping'] -%}
    {%- if 'unit_price' not in mapping and 'line_amount' not in mapping -%}
        {{ exceptions.raise_compiler_error(
            label ~ ": neither unit_price nor line_amount is in the input; "
            ~ "map one of them. Its columns are: "
            ~ by_lower.values() | list | join(', ') ~ ". Fix " ~ fix
            ~ " (var order_inputs)."
        ) }}
    {%- endif -%}
    {%- if wrong -%}
        {{ exceptions.raise_compiler_error(
            label ~ ": " ~ wrong | join('; ') ~ ". Convert the column, or map "
            ~ "var order_inputs columns to the right one (" ~ label ~ ")."
        ) }}
    {%- endif -%}
    {%- if reading['format'] == 'relation' -%}
        {%- set rows = run_query("select count(*) from "
            ~ reading['relation_sql']).columns[0].values()[0] -%}
        {%- if rows == 0 -%}
            {{ exceptions.raise_compiler_error(
                label ~ ": the input has no rows, so there is nothing to "
                ~ "segment. Point var order_inputs at the order lines ("
                ~ label ~ ")."
            ) }}
        {%- endif -%}
        {%- do input_log(reading, none, 'format', 'relation', 'given',
            order_input['relation']) -%}
    {%- endif -%}

    {%- set options = reading['options'] -%}
    {%- if decided['types']['ordered_at'] == 'VARCHAR' -%}
        {%- set chosen = choose_timestamp_format(reading['relation_sql'],
            mapping['ordered_at'], options, label, fix) -%}
        {%- do decided.update({'timestamp': chosen}) -%}
        {%- do input_log(reading, none, 'timestampformat',
            chosen['format'] or 'ISO 8601', chosen['decided_by'],
            chosen['note']) -%}
    {%- endif -%}
    {%- do order_input_line_key(decided) -%}
    {%- do order_input_check_numbers(decided) -%}
    {%- do order_input_log_rules(decided) -%}
    {{- return(decided) -}}
{% endmacro %}

{#- The project columns that tell two lines of one order apart (the
    duplicate check compares only lines that have one): the entry's
    line_key (a list of project columns, or none), else product_id and
    line_number where mapped. #}
{% macro order_input_line_key(decided) %}
    {%- set given = decided['reading']['options'].get('line_key') -%}
    {%- if given is none -%}
        {%- set keys = [] -%}
        {%- for name in ['product_id', 'line_number']
            if name in decided['mapping'] -%}
            {%- do keys.append(name) -%}
        {%- endfor -%}
    {%- elif given | map('lower') | list == ['none'] or given == [] -%}
        {%- set keys = [] -%}
    {%- else -%}
        {%- set keys = given -%}
        {%- for name in keys if name not in decided['mapping'] -%}
            {{ exceptions.raise_compiler_error(
                decided['label'] ~ ": line_key names '" ~ name ~ "', which is "
                ~ "not a mapped column of the input (" ~ decided['fix']
                ~ ".line_key: project column names such as product_id, or none)."
            ) }}
        {%- endfor -%}
    {%- endif -%}
    {%- do decided.update({'line_key': keys}) -%}
{% endmacro %}

{#- Text numbers without decimal_separator or thousands given: values
    that look like thousands separators ('1,000.00', '1.000' and only
    such), or a comma as the decimal mark ('12,50'), stop the build naming
    the options, where they would otherwise be quarantined or, worse, read
    as another number ('1.000' as one). #}
{% macro order_input_check_numbers(decided) %}
    {%- set reading, options = decided['reading'], decided['reading']['options'] -%}
    {%- set columns = [] -%}
    {%- for name in ['quantity', 'unit_price', 'line_amount']
        if decided['types'].get(name) == 'VARCHAR' -%}
        {%- do columns.append(name) -%}
    {%- endfor -%}
    {%- set given = 'decimal_separator' in options or 'thousands' in options -%}
    {%- for name in ['decimal_separator', 'thousands'] -%}
        {%- if name in options -%}
            {%- do input_log(reading, none, name, options[name], 'given') -%}
        {%- elif columns and not given -%}
            {%- do input_log(reading, none, name,
                '.' if name == 'decimal_separator' else 'none', 'default',
                'checked on ' ~ columns | join(', ')
                ~ ': no value looks written otherwise') -%}
        {%- endif -%}
    {%- endfor -%}
    {%- if given or not columns -%}
        {{- return(none) -}}
    {%- endif -%}
    {%- set patterns = {
        'comma_decimal': '[+-]?[0-9]*,([0-9]{1,2}|[0-9]{4,})',
        'dot_decimal': '[+-]?[0-9]*[.]([0-9]{1,2}|[0-9]{4,})',
        'comma_groups': '[+-]?[0-9]{1,3}(,[0-9]{3})+([.][0-9]+)?',
        'dot_groups': '[+-]?[0-9]{1,3}([.][0-9]{3})+(,[0-9]+)?',
    } -%}
    {%- for name in columns -%}
        {%- set text = trim_whitespace(adapter.quote(decided['mapping'][name])) -%}
        {%- set measures = [] -%}
        {%- for kind, pattern in patterns.items() -%}
            {%- do measures.append("count(*) filter (where regexp_full_match(value, "
                ~ input_literal(pattern) ~ "))") -%}
            {%- do measures.append("min(value) filter (where regexp_full_match("
                ~ "value, " ~ input_literal(pattern) ~ "))") -%}
        {%- endfor -%}
        {%- set row = run_query(
            "select " ~ measures | join(', ') ~ " from (select distinct "
            ~ text ~ " as value from " ~ reading['relation_sql'] ~ " where "
            ~ adapter.quote(decided['mapping'][name]) ~ " like '%,%' or "
            ~ adapter.quote(decided['mapping'][name]) ~ " like '%.%')"
        ).rows[0] -%}
        {%- set seen = {} -%}
        {%- for kind in patterns -%}
            {%- do seen.update({kind: [row[2 * loop.index0],
                row[2 * loop.index0 + 1]]}) -%}
        {%- endfor -%}
        {%- set where = decided['label'] ~ ": column '"
            ~ decided['mapping'][name] ~ "' (" ~ name ~ ") holds " -%}
        {%- if seen['comma_decimal'][0] > 0 and (seen['dot_decimal'][0] == 0
            or seen['dot_groups'][0] > 0) -%}
            {{ exceptions.raise_compiler_error(
                where ~ "numbers with a comma as the decimal mark (e.g. '"
                ~ seen['comma_decimal'][1] ~ "'"
                ~ ("; and '" ~ seen['dot_groups'][1] ~ "' with '.' between "
                    ~ "thousands" if seen['dot_groups'][0] > 0 else "")
                ~ "). Set decimal_separator: ','"
                ~ (" and thousands: '.'" if seen['dot_groups'][0] > 0 else "")
                ~ " on " ~ decided['fix'] ~ "."
            ) }}
        {%- elif seen['comma_decimal'][0] > 0 -%}
            {{ exceptions.raise_compiler_error(
                where ~ "numbers with a comma (e.g. '" ~ seen['comma_decimal'][1]
                ~ "') and with a point (e.g. '" ~ seen['dot_decimal'][1]
                ~ "') as the decimal mark. Fix the export, or set "
                ~ "decimal_separator on " ~ decided['fix'] ~ " to the one it "
                ~ "uses (the others are then quarantined)."
            ) }}
        {%- elif seen['comma_groups'][0] > 0 -%}
            {{ exceptions.raise_compiler_error(
                where ~ "numbers with a comma between thousands (e.g. '"
                ~ seen['comma_groups'][1] ~ "'), which would not parse. Set "
                ~ "thousands: ',' on " ~ decided['fix'] ~ "."
            ) }}
        {%- elif seen['dot_groups'][0] > 0 and seen['dot_decimal'][0] == 0 -%}
            {{ exceptions.raise_compiler_error(
                where ~ "numbers like '" ~ seen['dot_groups'][1] ~ "' and "
                ~ "every number with a point has three digits after it: the "
                ~ "point may separate thousands (one thousand, not one). Set "
                ~ "thousands: '.' and decimal_separator: ',' on "
                ~ decided['fix'] ~ " if it does, or decimal_separator: '.' "
                ~ "if they are decimals."
            ) }}
        {%- endif -%}
    {%- endfor -%}
{% endmacro %}

{#- The log's lines about what the project does with the input's lines:
    currency, returns, the duplicate check and ids. #}
{% macro order_input_log_rules(decided) %}
    {%- set reading, mapping = decided['reading'], decided['mapping'] -%}
    {%- set settings = settings() -%}
    {%- set currency = settings['reporting_currency'] -%}
    {%- set given = reading['options'].get('amount_currency') -%}
    {%- if 'currency' in mapping -%}
        {%- do input_log(reading, none, 'currency', 'column '
            ~ mapping['currency'], 'given', 'converted to ' ~ currency
            ~ ' (var reporting_currency) with var currency_rates'
            ~ ('; blanks are ' ~ given if given else '')) -%}
    {%- elif given -%}
        {%- do input_log(reading, none, 'currency', given, 'given',
            'converted to ' ~ currency ~ ' (var reporting_currency)'
            if given != currency else 'the reporting currency') -%}
    {%- else -%}
        {%- do input_log(reading, none, 'currency', currency, 'default',
            'no currency column: amounts taken as var reporting_currency') -%}
    {%- endif -%}
    {%- do input_log(reading, none, 'reporting_currency', currency, 'default',
        'var reporting_currency: every amount downstream is in it') -%}
    {%- set rules = [] -%}
    {%- if settings['return_order_pattern'] -%}
        {%- do rules.append("order id matches '"
            ~ settings['return_order_pattern'] ~ "'") -%}
    {%- endif -%}
    {%- if settings['returns_from_negative_quantity'] -%}
        {%- do rules.append('negative quantity') -%}
    {%- endif -%}
    {%- if 'return_flag' in mapping -%}
        {%- do rules.append('column ' ~ mapping['return_flag'] ~ ' says yes') -%}
    {%- endif -%}
    {%- do input_log(reading, none, 'returns', rules | join(' or ') or 'none',
        'default', 'vars return_order_pattern, returns_from_negative_quantity;'
        ~ ' columns.return_flag') -%}
    {%- set keys = decided['line_key'] -%}
    {%- set given = 'line_key' in reading['options'] -%}
    {%- do input_log(reading, none, 'duplicate check',
        'on (line key ' ~ keys | join(' + ') ~ ')' if keys else 'off',
        'given' if given else 'default', '' if keys else 'no line key (a '
        ~ 'product_id or line_number column): lines alike in every mapped '
        ~ 'column may be different products, so none is quarantined as a '
        ~ 'duplicate') -%}
    {%- do input_log(reading, none, 'missing values',
        settings['missing_values'][1:] | join(', '), 'default',
        'var missing_value_placeholders, any case, and blanks') -%}
    {%- do input_log(reading, none, 'id leading zeros',
        settings['id_leading_zeros'], 'default', 'var id_leading_zeros') -%}
{% endmacro %}

{#- Every entry of var order_inputs, decided (order_input_reading). Two
    entries that read the same file stop the build: each line would count
    twice. Decided once per dbt invocation and kept in the `graph` dict,
    which lives as long as the invocation: four models read the inputs, and
    deciding them reads every file (a trial's 279 daily files took 10 s a
    model). #}
{% macro order_inputs_read() %}
    {%- set cache_key = 'customer_segmentation order_inputs_read '
        ~ invocation_id -%}
    {%- if execute and cache_key in graph -%}
        {{- return(graph[cache_key]) -}}
    {%- endif -%}
    {%- set inputs = var('order_inputs') -%}
    {%- if inputs is string or inputs is mapping or inputs | length == 0 -%}
        {{ exceptions.raise_compiler_error(
            "var order_inputs must be a non-empty list of inputs, each with "
            ~ "a name, a path or a relation, and a column map; got: "
            ~ inputs
        ) }}
    {%- endif -%}
    {%- set decided = [] -%}
    {%- set owners = {} -%}
    {%- for order_input in inputs -%}
        {%- set one = order_input_reading(order_input, loop.index) -%}
        {%- for file in one['reading']['files'] if execute -%}
            {%- if file in owners -%}
                {{ exceptions.raise_compiler_error(
                    owners[file] ~ " and " ~ one['label'] ~ " both read file "
                    ~ file ~ ": its lines would count twice. Remove the file "
                    ~ "from one of them (var order_inputs)."
                ) }}
            {%- endif -%}
            {%- do owners.update({file: one['label']}) -%}
        {%- endfor -%}
        {%- do decided.append(one) -%}
    {%- endfor -%}
    {%- if execute -%}
        {%- do graph.update({cache_key: decided}) -%}
    {%- endif -%}
    {{- return(decided) -}}
{% endmacro %}

{#- A line's 1-based number within its input, stable from run to run: its
    row in a single Parquet file; file by file in name order through a glob
    or a list; for CSV files and relations, which promise no row order, in
    the order of the file and then of the line's content (identical lines
    are interchangeable, so the numbers are the same on every run). #}
{% macro order_input_line_number(decided) %}
    {{- return(adapter.dispatch(
        'order_input_line_number', 'customer_segmentation'
    )(decided)) -}}
{% endmacro %}

{% macro default__order_input_line_number(decided) %}
    {%- set columns = [] -%}
    {%- for column in decided['mapping'].values() -%}
        {%- do columns.append(adapter.quote(column)) -%}
    {%- endfor -%}
    row_number() over (order by {{ columns | join(', ') }})
{%- endmacro %}

{% macro duckdb__order_input_line_number(decided) %}
    {%- set reading = decided['reading'] -%}
    {%- if reading['format'] == 'relation' -%}
        {{ default__order_input_line_number(decided) }}
    {%- elif reading['format'] == 'csv' -%}
        {%- set columns = ['_input_file'] -%}
        {%- for column in decided['mapping'].values() -%}
            {%- do columns.append(adapter.quote(column)) -%}
        {%- endfor -%}
        row_number() over (order by {{ columns | join(', ') }})
    {%- elif reading['files'] | length == 1 -%}
        file_row_number + 1
    {%- else -%}
        row_number() over (order by _input_file, file_row_number)
    {%- endif -%}
{%- endmacro %}

{#- Spark's hidden _metadata column gives each Parquet row its place in its
    file, so lines get the same numbers as on DuckDB. #}
{% macro spark__order_input_line_number(decided) %}
    {%- set reading = decided['reading'] -%}
    {%- if reading['format'] == 'relation' -%}
        {{ default__order_input_line_number(decided) }}
    {%- elif not modules.re.search('[*?\\[{]', reading['files'][0]) -%}
        _metadata.row_index + 1
    {%- else -%}
        row_number() over (
            order by _metadata.file_path, _metadata.row_index
        )
    {%- endif -%}
{%- endmacro %}

{#- The file a line came from; null for a relation. #}
{% macro order_input_file(decided) %}
    {%- set reading = decided['reading'] -%}
    {%- if reading['format'] == 'relation' -%}
        cast(null as {{ dbt.type_string() }})
    {%- elif target.type == 'duckdb' -%}
        _input_file
    {%- elif reading['files'] | length == 1
        and not (reading['files'][0] | select('in', '*?[{') | list) -%}
        {#- One file named in full: its name as given, as DuckDB gives it
            (Spark's file_path is an absolute URI). #}
        {{ input_literal(reading['files'][0]) }}
    {%- else -%}
        _metadata.file_path
    {%- endif -%}
{%- endmacro %}

{#- One input as order lines with the project's column names: ids and
    codes cleaned, numbers parsed with the input's separators, timestamps
    with its one format, the raw text of what may not parse kept for the
    quarantine. Nothing fails here: a value that does not parse is null and
    becomes a quarantine reason downstream. #}
{% macro order_input_select(decided) %}
    {%- set mapping, types = decided['mapping'], decided['types'] -%}
    {%- set options = decided['reading']['options'] -%}
    {%- set settings = settings() -%}
    {%- set e = {} -%}
    {%- for column in order_line_columns() -%}
        {%- set name = column['name'] -%}
        {%- do e.update({name: adapter.quote(mapping[name])
            if name in mapping else none}) -%}
    {%- endfor -%}
    {%- set ts_type = types.get('ordered_at', 'VARCHAR') | upper -%}
    {%- set numbers = {'decimal_separator': options.get('decimal_separator', '.'),
        'thousands': options.get('thousands')} -%}
    {#- Text columns are trimmed once, in the inner select: every later use
        reads the trimmed value instead of trimming again. #}
    {%- set t = {} -%}
    {%- set trimmed = [] -%}
    {%- for name, column in e.items() -%}
        {%- if column is not none and types.get(name) == 'VARCHAR'
            and name not in ['email', 'phone', 'consent', 'return_flag'] -%}
            {%- do t.update({name: '_trimmed_' ~ name}) -%}
            {%- do trimmed.append(trim_whitespace(column) ~ ' as _trimmed_'
                ~ name) -%}
        {%- else -%}
            {%- do t.update({name: column}) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- set amount_currency = options.get('amount_currency') -%}
    {%- if e['currency'] is none -%}
        {%- set currency_sql = input_literal(amount_currency
            or settings['reporting_currency']) -%}
    {%- else -%}
        {%- set currency_sql = 'upper(' ~ clean_code(t['currency'],
            'TRIMMED' if types['currency'] == 'VARCHAR' else types['currency'])
            ~ ')' -%}
        {%- if amount_currency -%}
            {%- set currency_sql = 'coalesce(' ~ currency_sql ~ ', '
                ~ input_literal(amount_currency) ~ ')' -%}
        {%- endif -%}
    {%- endif -%}
    select
        {{ input_literal(decided['name']) }} as source_name,
        {{ decided['position'] }} as source_position,
        {{ decided.get('line_offset', 0) }}
        + {{ order_input_line_number(decided) }} as source_line_number,
        {{ order_input_file(decided) }} as source_file,
        {%- for name in ['customer_id', 'order_id'] %}
        {{ normalize_id(t[name], types[name]) }} as {{ name }},
        {%- endfor %}
        {%- set codes = {} %}
        {%- for name in ['product_id', 'line_number'] + decided['line_key'] %}
            {%- do codes.update({name: clean_code(t[name],
                'TRIMMED' if types.get(name) == 'VARCHAR' else types.get(name))}) %}
        {%- endfor %}
        {{ codes['product_id'] }} as product_id,
        {{ codes['line_number'] }} as line_number,
        {%- if decided['line_key'] %}
        {%- set parts = [] %}
        {%- for name in decided['line_key'] %}
            {%- do parts.append('coalesce(' ~ codes[name] ~ ", '')") %}
        {%- endfor %}
        {{ parts | join(" || '|' || ") }} as line_key,
        {%- else %}
        cast(null as {{ dbt.type_string() }}) as line_key,
        {%- endif %}
        {{ clean_text(e['country']) }} as country,
        {{ currency_sql }} as currency,
        {#- Contact columns (optional): raw here, hashed for the audiences. #}
        {{ clean_text(e['email']) }} as email,
        {{ clean_text(e['phone']) }} as phone,
        {{ parse_consent(e['consent'], types.get('consent', 'VARCHAR')) }}
            as has_marketing_consent,
        {{ parse_return_flag(e['return_flag'], types.get('return_flag', 'VARCHAR')) }}
            as is_return_flagged,
        {%- for name in ['ordered_at', 'quantity', 'unit_price', 'line_amount'] %}
        {{ text_or_null(e[name], types.get(name)) }} as {{ name }}_text,
        {%- endfor %}
        {%- for name in ['quantity', 'unit_price', 'line_amount'] %}
        {{ to_double(t[name], types.get(name, 'DOUBLE'),
            numbers['decimal_separator'], numbers['thousands']) }} as {{ name }},
        {%- endfor %}
        {%- if ts_type == 'TIMESTAMP WITH TIME ZONE' %}
        {#- In UTC, whatever the session's time zone: a plain cast would give
            the local time of the machine dbt runs on. #}
        timezone('UTC', {{ e['ordered_at'] }}) as ordered_at
        {%- elif ts_type.startswith('TIMESTAMP') or ts_type == 'DATE' %}
        cast({{ e['ordered_at'] }} as timestamp) as ordered_at
        {%- else %}
        {{ parse_timestamp(t['ordered_at'], decided['timestamp']['format']) }}
            as ordered_at
        {%- endif %}
    from (
        select
            *{{ ',' if trimmed }}
            {{ trimmed | join(',\n            ') }}
        from {{ decided['reading']['relation_sql'] }}
    ) as raw_lines
{%- endmacro %}

{#- Every input of var order_inputs as order lines, one `select` per input
    glued with `union all`: all their lines (stg_orders__order_lines), or
    with `unread_only` the lines a refresh adds to the stored build's
    (stg_orders__new_order_lines; macro order_inputs_unread). #}
{% macro union_order_inputs(unread_only=false) %}
    {%- set inputs = order_inputs_read() -%}
    {%- if unread_only -%}
        {%- set inputs = order_inputs_unread(inputs) -%}
    {%- endif -%}
    {%- for decided in inputs %}
    {{ order_input_select(decided) }}
        {%- if not loop.last %}
    union all
        {%- endif %}
    {%- endfor %}
{% endmacro %}

{#- The staged order lines (the body of stg_orders__order_lines and
    stg_orders__new_order_lines): every raw line of the inputs renamed and
    typed, or with `unread_only` those a refresh adds. #}
{% macro staged_order_lines(unread_only=false) %}
with

raw_order_lines as (

    {{ union_order_inputs(unread_only) }}

),

final as (

    select
        -- A number, not text: this key is joined and tested on every line.
        source_position * 1000000000000 + source_line_number as order_line_id,
        source_name,
        source_file,
        customer_id,
        order_id,
        product_id,
        line_number,
        line_key,
        country,
        currency,
        email,
        phone,
        ordered_at_text,
        quantity_text,
        unit_price_text,
        line_amount_text,
        source_position,
        source_line_number,
        quantity,
        coalesce(unit_price, abs(line_amount / nullif(quantity, 0)))
            as unit_price,
        coalesce(line_amount, quantity * unit_price) as line_amount,
        has_marketing_consent,
        is_return_flagged,
        ordered_at
    from raw_order_lines

)

select * from final
{% endmacro %}
