{#
    A line's marketing consent as a boolean: true only for an explicit yes,
    false for any other value the line states, null when it states nothing
    (blank, null, or no consent column). Text: true, t, yes, y, 1, opt-in,
    opted-in, opt_in, opted_in, granted (any case, trimmed) are yes; any
    other text ("no", "0", "revoked", "unknown", ...) is a no, so a value
    nobody foresaw never lets a customer through. Whole numbers: 1 is yes,
    anything else no. Booleans are taken as they are. `column_type` is the
    input's type (from DuckDB's describe).
#}
{% macro parse_consent(column, column_type='VARCHAR') %}
    {%- set kind = column_type | upper -%}
    {%- set yes = [
        'true', 't', 'yes', 'y', '1', 'opt-in', 'opted-in', 'opt_in',
        'opted_in', 'granted'
    ] -%}
    {%- if column is none -%}
        cast(null as boolean)
    {%- elif kind == 'BOOLEAN' -%}
        {{ column }}
    {%- elif kind != 'VARCHAR' -%}
        case
            when {{ column }} is null then null
            else {{ column }} = 1
        end
    {%- else -%}
        case
            when nullif({{ trim_whitespace(column) }}, '') is null
                then null
            else lower({{ trim_whitespace(column) }})
                in ('{{ yes | join("', '") }}')
        end
    {%- endif -%}
{%- endmacro %}
