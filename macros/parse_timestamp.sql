{#
    A text timestamp parsed with the formats in var timestamp_formats, tried
    in order, then as ISO 8601 (2024-01-02T10:00:00, with optional fraction
    of a second and `Z` or an offset such as +02:00, converted to UTC): that
    form cannot be misread, so it needs no format. Null when nothing fits
    (the line is then quarantined as unparseable_timestamp); ambiguous forms
    such as 01/02/2024 are never guessed.
#}
{% macro parse_timestamp(column) %}
    {{- return(adapter.dispatch('parse_timestamp', 'customer_segmentation')(column)) -}}
{% endmacro %}

{% macro default__parse_timestamp(column) %}
    try_cast(trim(cast({{ column }} as string)) as timestamp)
{%- endmacro %}

{% macro duckdb__parse_timestamp(column) %}
    {%- set formats = var('timestamp_formats') -%}
    {%- set quoted = [] -%}
    {%- for format in formats -%}
        {%- do quoted.append("'" ~ format | replace("'", "''") ~ "'") -%}
    {%- endfor -%}
    {%- set text = 'trim(cast(' ~ column ~ ' as varchar))' -%}
    {%- set iso = '[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(:[0-9]{2}([.][0-9]+)?)?' -%}
    coalesce(
        try_strptime({{ text }}, [{{ quoted | join(', ') }}]),
        case
            when regexp_full_match({{ text }}, '{{ iso }}')
                then try_cast({{ text }} as timestamp)
            when regexp_full_match({{ text }}, '{{ iso }}(Z|[+-][0-9]{2}(:?[0-9]{2})?)')
                then timezone('UTC', try_cast({{ text }} as timestamptz))
        end
    )
{%- endmacro %}

{#- Spark parses with Java date patterns: each format of var
    timestamp_formats is translated code by code (single-letter fields, so
    01 and 1 both parse as on DuckDB); a code with no translation stops the
    build. Text with an offset is converted to UTC by the cast, as the
    session time zone is UTC. #}
{% macro spark__parse_timestamp(column) %}
    {%- set codes = {
        'Y': 'yyyy', 'y': 'yy', 'm': 'M', 'd': 'd', 'H': 'H', 'I': 'h',
        'M': 'm', 'S': 's', 'f': 'SSSSSS', 'p': 'a', 'b': 'MMM',
        'B': 'MMMM', 'a': 'EEE', 'A': 'EEEE', 'j': 'D', '%': '%'
    } -%}
    {%- set patterns = [] -%}
    {%- for format in var('timestamp_formats') -%}
        {%- set ns = namespace(pattern='', code=false) -%}
        {%- for char in format -%}
            {%- if ns.code -%}
                {%- if char not in codes -%}
                    {{ exceptions.raise_compiler_error(
                        "var timestamp_formats: '%" ~ char ~ "' in '" ~ format
                        ~ "' has no Spark equivalent; use %Y %y %m %d %H %I "
                        ~ "%M %S %f %p %b %B %a %A %j."
                    ) }}
                {%- endif -%}
                {%- set ns.pattern = ns.pattern ~ codes[char] -%}
                {%- set ns.code = false -%}
            {%- elif char == '%' -%}
                {%- set ns.code = true -%}
            {%- elif char.isalpha() or char == "'" -%}
                {%- set ns.pattern = ns.pattern ~ "'" ~ (char | replace("'", "''")) ~ "'" -%}
            {%- else -%}
                {%- set ns.pattern = ns.pattern ~ char -%}
            {%- endif -%}
        {%- endfor -%}
        {%- do patterns.append(ns.pattern | replace("'", "\\'")) -%}
    {%- endfor -%}
    {%- set text = 'trim(cast(' ~ column ~ ' as string))' -%}
    {%- set iso = '[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(:[0-9]{2}([.][0-9]+)?)?' -%}
    coalesce(
        {%- for pattern in patterns %}
        try_to_timestamp({{ text }}, '{{ pattern }}'),
        {%- endfor %}
        case
            when {{ text }} rlike '^{{ iso }}(Z|[+-][0-9]{2}(:?[0-9]{2})?)?$'
                then try_cast({{ text }} as timestamp)
        end
    )
{%- endmacro %}
