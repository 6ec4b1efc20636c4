{#
    The input's real columns, {name: type}, read from the data itself. Fails
    with a message naming the var to fix when the path matches no file, the
    input has no rows (an empty file too: it is checked before the columns,
    which an empty file does not have), a mapped column is missing, or a
    typed column (Parquet, a table) has a type that cannot mean what it is
    mapped to: a boolean or date quantity would otherwise be read as 1 or
    turn every line into a quarantined one (and a float phone number would
    read as '447700900123.0'). Rewrites `mapping` in place:
    names as the input spells them, and none for optional columns it does
    not have. Before execution (while dbt parses) nothing can be read, so
    the map is taken as given.
#}
{% macro order_input_columns(order_input, label, mapping) %}
    {%- if not execute -%}
        {{- return({}) -}}
    {%- endif -%}
    {%- set fix = " Fix var order_inputs (" ~ label ~ ")." -%}
    {%- if order_input.get('path') is not none -%}
        {%- set files = order_input_file_count(order_input) -%}
        {%- if files == 0 -%}
            {{ exceptions.raise_compiler_error(
                label ~ ": no file matches path '" ~ order_input['path']
                ~ "' (relative paths start at the folder dbt runs in)." ~ fix
            ) }}
        {%- endif -%}
    {%- endif -%}
    {%- set found = order_input_column_types(order_input) -%}
    {%- set by_lower = {} -%}
    {%- for name in found -%}
        {%- do by_lower.update({name | lower: name}) -%}
    {%- endfor -%}
    {%- set rows = run_query(
        "select count(*) from " ~ order_input_relation(order_input)
    ).columns[0].values()[0] -%}
    {%- if rows == 0 -%}
        {{ exceptions.raise_compiler_error(
            label ~ ": the input has no rows, so there is nothing to segment. "
            ~ "Point var order_inputs at the order lines (" ~ label ~ ")."
        ) }}
    {%- endif -%}
    {%- set required = ['customer_id', 'order_id', 'ordered_at', 'quantity'] -%}
    {%- for canonical in mapping.keys() | list -%}
        {%- set wanted = mapping[canonical] -%}
        {%- set given = canonical in (order_input.get('columns') or {}) -%}
        {%- if wanted is not none and (wanted | lower) in by_lower -%}
            {%- do mapping.update({canonical: by_lower[wanted | lower]}) -%}
        {%- elif canonical in required or given -%}
            {{ exceptions.raise_compiler_error(
                label ~ ": column '" ~ wanted ~ "' (mapped to " ~ canonical
                ~ ") is not in the input. Its columns are: "
                ~ found.keys() | list | join(', ') ~ "."
                ~ " Fix var order_inputs columns." ~ canonical ~ " ("
                ~ label ~ ")."
            ) }}
        {%- else -%}
            {%- do mapping.update({canonical: none}) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- if mapping['unit_price'] is none and mapping['line_amount'] is none -%}
        {{ exceptions.raise_compiler_error(
            label ~ ": neither unit_price nor line_amount is in the input; "
            ~ "map one of them. Its columns are: "
            ~ found.keys() | list | join(', ') ~ "." ~ fix
        ) }}
    {%- endif -%}
    {%- set number_types = [
        'TINYINT', 'SMALLINT', 'INTEGER', 'BIGINT', 'HUGEINT', 'UTINYINT',
        'USMALLINT', 'UINTEGER', 'UBIGINT', 'UHUGEINT', 'FLOAT', 'REAL', 'DOUBLE'
    ] -%}
    {%- set expected = {
        'customer_id': 'text or a number', 'order_id': 'text or a number',
        'ordered_at': 'a timestamp, a date or text',
        'quantity': 'a number or text', 'unit_price': 'a number or text',
        'line_amount': 'a number or text', 'email': 'text',
        'phone': 'text or a whole number',
        'consent': 'a boolean, text (yes / no) or a whole number (1 / 0)'
    } -%}
    {%- set whole_number_types = [
        'TINYINT', 'SMALLINT', 'INTEGER', 'BIGINT', 'HUGEINT', 'UTINYINT',
        'USMALLINT', 'UINTEGER', 'UBIGINT', 'UHUGEINT'
    ] -%}
    {%- set wrong = [] -%}
    {%- for canonical, wanted in expected.items()
        if mapping[canonical] is not none -%}
        {%- set type = found[mapping[canonical]] | upper -%}
        {%- set is_number = type in number_types or type.startswith('DECIMAL') -%}
        {%- if canonical == 'ordered_at' -%}
            {%- set ok = type == 'VARCHAR' or type == 'DATE'
                or type.startswith('TIMESTAMP') -%}
        {%- elif canonical in ['customer_id', 'order_id'] -%}
            {%- set ok = type in ['VARCHAR', 'UUID'] or is_number -%}
        {%- elif canonical == 'email' -%}
            {%- set ok = type == 'VARCHAR' -%}
        {%- elif canonical == 'phone' -%}
            {%- set ok = type == 'VARCHAR' or type in whole_number_types -%}
        {%- elif canonical == 'consent' -%}
            {%- set ok = type in ['VARCHAR', 'BOOLEAN']
                or type in whole_number_types -%}
        {%- else -%}
            {%- set ok = type == 'VARCHAR' or is_number -%}
        {%- endif -%}
        {%- if not ok -%}
            {%- do wrong.append("column '" ~ mapping[canonical] ~ "' (mapped to "
                ~ canonical ~ ") is " ~ type ~ ", expected " ~ wanted) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- if wrong -%}
        {{ exceptions.raise_compiler_error(
            label ~ ": " ~ wrong | join('; ') ~ ". Convert the column, or map "
            ~ "var order_inputs columns to the right one (" ~ label ~ ")."
        ) }}
    {%- endif -%}
    {{- return(found) -}}
{% endmacro %}
