{#
    How one raw value becomes a project value: ids, codes, numbers, flags.
    Each macro returns a SQL expression over a column; the order-line
    reader applies them to every raw line, so each costs as little as the
    common case allows.
#}

{#- The characters trimmed from both ends of ids and codes: ASCII control
    characters and space, the C1 controls, no-break space, every Unicode
    space separator, the zero-width and direction marks, the line and
    paragraph separators, the word joiner and the byte-order mark, written
    for the regular expressions of DuckDB (RE2) and Spark (Java). #}
{% macro trimmed_characters() %}
    {{- return('[\\x{00}-\\x{20}\\x{7F}-\\x{A0}\\x{1680}\\x{180E}'
        ~ '\\x{2000}-\\x{200F}\\x{2028}-\\x{202F}\\x{205F}-\\x{2064}'
        ~ '\\x{3000}\\x{FEFF}]') -}}
{% endmacro %}

{#- Text with every white-space and zero-width character cut from both
    ends (plain trim() cuts spaces only). #}
{% macro trim_whitespace(column) %}
    {{- return(adapter.dispatch('trim_whitespace', 'customer_segmentation')(column)) -}}
{% endmacro %}

{% macro default__trim_whitespace(column) %}
    {%- set ends = trimmed_characters() -%}
    regexp_replace(
        {{ column }},
        '^{{ ends | replace("\\", "\\\\") }}+|{{ ends | replace("\\", "\\\\") }}+$',
        ''
    )
{%- endmacro %}

{#- The regular expression costs about a microsecond a value; almost no
    value needs it. A value whose first and last characters are printable
    ASCII other than ! and " is left as it is: the first is checked by
    comparing the whole text (no copy), the last with right(). #}
{% macro duckdb__trim_whitespace(column) %}
    {%- set ends = trimmed_characters() -%}
    case
        when
            {{ column }} between '#' and chr(127)
            and right({{ column }}, 1) between '#' and '~'
            then {{ column }}
        else regexp_replace({{ column }}, '^{{ ends }}+|{{ ends }}+$', '', 'g')
    end
{%- endmacro %}

{% macro spark__trim_whitespace(column) %}
    {{ default__trim_whitespace(column) }}
{%- endmacro %}

{#- null for text var missing_value_placeholders reads as missing (any
    case; the empty text always), else the text. `column` is trimmed text. #}
{% macro null_if_placeholder(column) %}
    {%- set missing = settings()['missing_values'] -%}
    {%- set longest = missing | map('length') | max -%}
    case
        when
            length({{ column }}) <= {{ longest }}
            and lower({{ column }}) in ({{ input_literal(missing)[1:-1] }})
            then null
        else {{ column }}
    end
{%- endmacro %}

{#- An id as canonical text (docs/inputs.md, "Ids"): whole numbers as
    their digits whatever their type (17850, 17850.0 and '17850.0' are one
    customer), UUIDs in lower case, text trimmed of white-space and
    zero-width characters with a trailing `.0` dropped, placeholders
    (var missing_value_placeholders) as null, and leading zeros of all-digit
    ids dropped when var id_leading_zeros is strip. Case is kept. A double
    too large to hold every digit (2^53 and up) comes out in exponent form,
    which the quarantine catches like a spreadsheet's 1.23457E+11.
    `column_type` is the input's type (DuckDB's describe); `column` for text
    is the trimmed text. #}
{% macro normalize_id(column, column_type='VARCHAR') %}
    {%- set kind = column_type | upper -%}
    {%- set string = dbt.type_string() -%}
    {%- if column is none -%}
        cast(null as {{ string }})
    {%- elif kind in ['DOUBLE', 'FLOAT', 'REAL'] or kind.startswith('DECIMAL') -%}
        case
            when
                {{ column }} = floor({{ column }})
                and abs({{ column }}) < 9007199254740992
                then {{ strip_leading_zeros(
                    'cast(cast(' ~ column ~ ' as bigint) as ' ~ string ~ ')'
                ) }}
            else cast({{ column }} as {{ string }})
        end
    {%- elif kind in ['TINYINT', 'SMALLINT', 'INTEGER', 'BIGINT', 'HUGEINT',
        'UTINYINT', 'USMALLINT', 'UINTEGER', 'UBIGINT', 'UHUGEINT'] -%}
        cast({{ column }} as {{ string }})
    {%- elif kind == 'UUID' -%}
        lower(cast({{ column }} as {{ string }}))
    {%- else -%}
        {%- set text = null_if_placeholder(column) -%}
        {{ strip_leading_zeros(
            "case when " ~ column ~ " like '%.%' then regexp_replace("
            ~ text ~ ", '[.]0+$', '') else " ~ text ~ " end"
        ) }}
    {%- endif -%}
{%- endmacro %}

{#- An all-digit id without its leading zeros ('00123' -> '123', '000' ->
    '0') when var id_leading_zeros is strip; as it is otherwise. #}
{% macro strip_leading_zeros(text) %}
    {%- if settings()['id_leading_zeros'] == 'strip' -%}
        {{ strip_zeros_always(text) }}
    {%- else -%}
        {{ text }}
    {%- endif -%}
{%- endmacro %}

{#- Text without its leading zeros, keeping a last digit ('000' -> '0'). #}
{% macro strip_zeros_always(text) %}
    regexp_replace({{ text }}, '^0+([0-9])', '\1')
{%- endmacro %}

{#- True for an id written in exponent form (1.23457E+11, 1.2345678e+17):
    digits were lost before the project saw it. #}
{% macro is_exponent_form(column) %}
    (
        ({{ column }} like '%E%' or {{ column }} like '%e%')
        and {{ full_match(column, '[+-]?[0-9]+([.][0-9]+)?[eE][+-]?[0-9]+') }}
    )
{%- endmacro %}

{#- A code (product, line number, currency): trimmed text, placeholders
    as null; a number as its text. Null when the column is not mapped.
    `column_type` TRIMMED: text the caller already trimmed. #}
{% macro clean_code(column, column_type='VARCHAR') %}
    {%- if column is none -%}
        cast(null as {{ dbt.type_string() }})
    {%- elif (column_type | upper) == 'TRIMMED' -%}
        {{ null_if_placeholder(column) }}
    {%- elif (column_type | upper) == 'VARCHAR' -%}
        {{ null_if_placeholder(trim_whitespace(column)) }}
    {%- else -%}
        {{ normalize_id(column, column_type) }}
    {%- endif -%}
{%- endmacro %}

{#- Free text (country, email, phone): trimmed, blank as null; null when
    the column is not mapped. #}
{% macro clean_text(column) %}
    {%- if column is none -%}
        cast(null as {{ dbt.type_string() }})
    {%- else -%}
        nullif({{ trim_whitespace(
            'cast(' ~ column ~ ' as ' ~ dbt.type_string() ~ ')'
        ) }}, '')
    {%- endif -%}
{%- endmacro %}

{#- The input's own text for a value, kept only when the input stores that
    column as text: what the quarantine shows for a value that did not
    parse. Typed columns cannot fail to parse, so they keep nothing. #}
{% macro text_or_null(column, column_type) %}
    {%- if column is not none and (column_type | upper) == 'VARCHAR' -%}
        cast({{ column }} as {{ dbt.type_string() }})
    {%- else -%}
        cast(null as {{ dbt.type_string() }})
    {%- endif -%}
{%- endmacro %}

{#- A number as a double: null when it does not parse or is not finite
    (NaN and infinity would poison every sum), and null when the column is
    not mapped. Text is read with the input's decimal_separator and
    thousands options: with a thousands separator a value must group its
    digits by three (1.234.567,50), so a stray separator is unparseable
    instead of silently shifting the number. #}
{% macro to_double(column, column_type='DOUBLE', decimal_separator='.', thousands=none) %}
    {%- if column is none -%}
        cast(null as double)
    {%- else -%}
        {%- set text = column -%}
        {%- if (column_type | upper) == 'VARCHAR'
            and (decimal_separator != '.' or thousands is not none) -%}
            {%- set d = '[' ~ decimal_separator ~ ']' -%}
            {%- set pattern = '[+-]?[0-9]+(' ~ d ~ '[0-9]+)?' -%}
            {%- if thousands is not none -%}
                {%- set t = '[' ~ thousands ~ ']' -%}
                {%- set pattern = '[+-]?([0-9]{1,3}(' ~ t ~ '[0-9]{3})+|[0-9]+)('
                    ~ d ~ '[0-9]+)?' -%}
            {%- endif -%}
            {%- set cleaned = column -%}
            {%- if thousands is not none -%}
                {%- set cleaned = "replace(" ~ cleaned ~ ", "
                    ~ input_literal(thousands) ~ ", '')" -%}
            {%- endif -%}
            {%- set cleaned = "replace(" ~ cleaned ~ ", "
                ~ input_literal(decimal_separator) ~ ", '.')" -%}
            {%- set text = "case when " ~ full_match(column, pattern) ~ " then "
                ~ cleaned ~ " end" -%}
        {%- endif -%}
        {{ return(adapter.dispatch('to_double', 'customer_segmentation')(text)) }}
    {%- endif -%}
{%- endmacro %}

{% macro default__to_double(column) %}
    case
        when not isnan(try_cast({{ column }} as double))
            and abs(try_cast({{ column }} as double)) < 1e300
            then try_cast({{ column }} as double)
    end
{%- endmacro %}

{% macro duckdb__to_double(column) %}
    case
        when isfinite(try_cast({{ column }} as double))
            then try_cast({{ column }} as double)
    end
{%- endmacro %}

{% macro spark__to_double(column) %}
    {{ default__to_double(column) }}
{%- endmacro %}

{#- A line's return flag as a boolean: true for a boolean true, 1, or
    text true / t / yes / y / 1 / return / returned / refund / refunded /
    cancelled / canceled (any case, trimmed); false for any other value;
    null when blank or not mapped. #}
{% macro parse_return_flag(column, column_type='VARCHAR') %}
    {%- set kind = column_type | upper -%}
    {%- set yes = ['true', 't', 'yes', 'y', '1', 'return', 'returned',
        'refund', 'refunded', 'cancelled', 'canceled'] -%}
    {%- if column is none -%}
        cast(null as boolean)
    {%- elif kind == 'BOOLEAN' -%}
        {{ column }}
    {%- elif kind != 'VARCHAR' -%}
        case when {{ column }} is not null then {{ column }} = 1 end
    {%- else -%}
        case
            when nullif({{ trim_whitespace(column) }}, '') is not null
                then lower({{ trim_whitespace(column) }})
                in ({{ input_literal(yes)[1:-1] }})
        end
    {%- endif -%}
{%- endmacro %}

{#- An id column of any type as canonical text (normalize_id), trimming
    text first. #}
{% macro canonical_id(column, column_type='VARCHAR') %}
    {%- if (column_type | upper) == 'VARCHAR' -%}
        {{ normalize_id(trim_whitespace(column), 'VARCHAR') }}
    {%- else -%}
        {{ normalize_id(column, column_type) }}
    {%- endif -%}
{%- endmacro %}
