{#
    An id as trimmed text, blanks as null; null when the column is not
    mapped. Whole numbers read from a float column or written as text with
    a trailing `.0` lose it (17850.0 and '17850' are one customer). Case is
    kept: ids are compared exactly. Trimming takes tabs and line breaks as
    well as spaces, so an id of only whitespace is missing, never a
    customer. `column_type` is the input's type (from DuckDB's describe), so
    each input pays only for the cleaning its type needs: this runs on every
    raw line.
#}
{% macro normalize_id(column, column_type='VARCHAR') %}
    {%- set kind = column_type | upper -%}
    {%- if column is none -%}
        cast(null as {{ dbt.type_string() }})
    {%- elif kind in ['DOUBLE', 'FLOAT', 'REAL'] or kind.startswith('DECIMAL') -%}
        case
            when {{ column }} = floor({{ column }}) and abs({{ column }}) < 1e15
                then cast(cast({{ column }} as bigint) as {{ dbt.type_string() }})
            else cast({{ column }} as {{ dbt.type_string() }})
        end
    {%- elif kind in ['TINYINT', 'SMALLINT', 'INTEGER', 'BIGINT', 'HUGEINT',
        'UTINYINT', 'USMALLINT', 'UINTEGER', 'UBIGINT', 'UHUGEINT', 'UUID'] -%}
        cast({{ column }} as {{ dbt.type_string() }})
    {%- else -%}
        nullif(
            case
                when {{ column }} like '%.%'
                    then regexp_replace(
                        {{ trim_whitespace(column) }}, '[.]0+$', ''
                    )
                else {{ trim_whitespace(column) }}
            end,
            ''
        )
    {%- endif -%}
{%- endmacro %}
