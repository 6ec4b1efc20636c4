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
