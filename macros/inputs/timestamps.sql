{#
    Text timestamps: one format per input, chosen because it reads every
    value, and the parse that uses it.
#}

{#- ISO 8601 with a `T` (optional seconds and fraction): it cannot be
    misread, so it is parsed whatever format the input's other values use. #}
{% macro iso_timestamp_pattern() %}
    {{- return('[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(:[0-9]{2}([.][0-9]+)?)?') -}}
{% endmacro %}

{#- A regular expression every text a strptime format reads matches (and
    more): a cheap test that spares strptime most values it would refuse. #}
{% macro timestamp_format_shape(format) %}
    {%- set codes = {
        'Y': '[0-9]{4}', 'y': '[0-9]{2}', 'm': '[0-9]{1,2}', 'd': '[0-9]{1,2}',
        'H': '[0-9]{1,2}', 'I': '[0-9]{1,2}', 'M': '[0-9]{1,2}',
        'S': '[0-9]{1,2}', 'f': '[0-9]{1,9}', 'p': '[AaPp][Mm]',
        'b': '[A-Za-z]{3,4}', 'B': '[A-Za-z]+', 'a': '[A-Za-z]{3}',
        'A': '[A-Za-z]+', 'j': '[0-9]{1,3}',
        'z': '(Z|[+-][0-9]{2}:?[0-9]{2})', '%': '%'
    } -%}
    {%- set ns = namespace(shape='', code=false) -%}
    {%- for char in format -%}
        {%- if ns.code -%}
            {%- set ns.shape = ns.shape ~ codes.get(char, '.*') -%}
            {%- set ns.code = false -%}
        {%- elif char == '%' -%}
            {%- set ns.code = true -%}
        {%- elif char.isalnum() -%}
            {%- set ns.shape = ns.shape ~ char -%}
        {%- elif char == ' ' -%}
            {%- set ns.shape = ns.shape ~ '\\s+' -%}
        {%- else -%}
            {%- set ns.shape = ns.shape ~ '[' ~ (char | replace('\\', '\\\\')) ~ ']' -%}
        {%- endif -%}
    {%- endfor -%}
    {{- return(ns.shape) -}}
{% endmacro %}

{#- Whether a text (a column of distinct values) reads with a format. #}
{% macro reads_with(text, format) %}
    (
        regexp_full_match({{ text }}, {{ input_literal(timestamp_format_shape(format)) }})
        and {{ strptime_utc(text, format) }} is not null
    )
{%- endmacro %}

{#- try_strptime with one format, as a timestamp in UTC when the format
    reads an offset (%z). #}
{% macro strptime_utc(text, format) %}
    {%- if '%z' in format or '%Z' in format -%}
        timezone('UTC', try_strptime({{ text }}, {{ input_literal(format) }}))
    {%- else -%}
        try_strptime({{ text }}, {{ input_literal(format) }})
    {%- endif -%}
{%- endmacro %}

{#- A text timestamp (already trimmed) read with `format` (none: only ISO
    8601 values are read), then as ISO 8601 with a `T` (`Z` or an offset
    converted to UTC). Null when it does not fit: the line is then
    quarantined as unparseable_timestamp, its text kept. #}
{% macro parse_timestamp(column, format=none) %}
    {{- return(adapter.dispatch('parse_timestamp', 'customer_segmentation')(
        column, format
    )) -}}
{% endmacro %}

{% macro default__parse_timestamp(column, format) %}
    try_cast({{ column }} as timestamp)
{%- endmacro %}

{% macro duckdb__parse_timestamp(column, format) %}
    {%- set iso = iso_timestamp_pattern() -%}
    coalesce(
        {%- if format is not none %}
        {{ strptime_utc(column, format) }},
        {%- endif %}
        case
            when regexp_full_match({{ column }}, '{{ iso }}')
                then try_cast({{ column }} as timestamp)
            when regexp_full_match({{ column }}, '{{ iso }}(Z|[+-][0-9]{2}(:?[0-9]{2})?)')
                then timezone('UTC', try_cast({{ column }} as timestamptz))
        end
    )
{%- endmacro %}

{#- Spark parses with a Java date pattern: the format is translated code by
    code (single-letter fields, so 01 and 1 both parse as on DuckDB); a code
    with no translation stops the build. Text with an offset is converted
    to UTC by the cast, as the session time zone is UTC. #}
{% macro spark__parse_timestamp(column, format) %}
    {%- set codes = {
        'Y': 'yyyy', 'y': 'yy', 'm': 'M', 'd': 'd', 'H': 'H', 'I': 'h',
        'M': 'm', 'S': 's', 'f': 'SSSSSS', 'p': 'a', 'b': 'MMM',
        'B': 'MMMM', 'a': 'EEE', 'A': 'EEEE', 'j': 'D', 'z': 'Z', '%': '%'
    } -%}
    {%- set iso = iso_timestamp_pattern() -%}
    coalesce(
        {%- if format is not none %}
        {%- set ns = namespace(pattern='', code=false) -%}
        {%- for char in format -%}
            {%- if ns.code -%}
                {%- if char not in codes -%}
                    {{ exceptions.raise_compiler_error(
                        "timestamp format '" ~ format ~ "': '%" ~ char ~ "' has "
                        ~ "no Spark equivalent; use %Y %y %m %d %H %I %M %S %f "
                        ~ "%p %b %B %a %A %j %z (var timestamp_formats or the "
                        ~ "input's timestampformat)."
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
        {%- endfor %}
        try_to_timestamp({{ column }}, '{{ ns.pattern | replace("'", "\\'") }}'),
        {%- endif %}
        case
            when {{ column }} rlike '^{{ iso }}(Z|[+-][0-9]{2}(:?[0-9]{2})?)?$'
                then try_cast({{ column }} as timestamp)
        end
    )
{%- endmacro %}

{#- The one format that reads an input's text timestamps (docs/inputs.md,
    "Timestamps"). The candidates are the input's timestampformat, else var
    timestamp_formats. Every candidate is tried on a sample of the distinct
    values (all of them when there are at most 20,000); those that read the
    whole sample are tried on every distinct value. A format that reads
    every value wins, the earliest in the list when several do; when two
    formats read every value and read some value differently (05/01/2024 as
    5 January or 1 May) the build stops with examples and the option to
    set. When none reads every value, the one that reads most wins and the
    other lines are quarantined (unparseable_timestamp). Returns {format,
    decided_by, note}; format is none when every value is ISO 8601 or
    missing. DuckDB only: elsewhere the first candidate is taken. #}
{% macro choose_timestamp_format(relation, column, options, label, fix) %}
    {%- set given = options.get('timestampformat') -%}
    {%- set candidates = given or settings()['timestamp_formats'] -%}
    {%- set where = "the input's timestampformat on " ~ fix if given
        else "var timestamp_formats, or set timestampformat on " ~ fix -%}
    {%- if target.type != 'duckdb' or not execute -%}
        {{- return({'format': candidates[0], 'decided_by': 'default',
            'note': 'first candidate'}) -}}
    {%- endif -%}
    {#- Distinct raw values first: the trimming and checks then run once a
        value, not once a line. #}
    {%- set text = trim_whitespace('raw_value') -%}
    {%- set values_sql -%}
        select distinct {{ text }} as value
        from (
            select distinct {{ adapter.quote(column) }} as raw_value
            from {{ relation }}
        ) as raw_values
        where
            {{ null_if_placeholder(text) }} is not null
            and not regexp_full_match(
                {{ text }}, '{{ iso_timestamp_pattern() }}.*'
            )
    {%- endset -%}
    {%- set counts = [] -%}
    {%- for format in candidates -%}
        {%- do counts.append('count(*) filter (where '
            ~ reads_with('value', format) ~ ')') -%}
    {%- endfor -%}
    {%- set sample = run_query(
        "with distinct_values as (" ~ values_sql ~ "),"
        ~ " sized as (select count(*) as n from distinct_values)"
        ~ " select (select n from sized), count(*), " ~ counts | join(', ')
        ~ " from distinct_values where (select n from sized) <= 100000"
        ~ " or hash(value) % ((select n from sized) // 100000 + 1) = 0"
    ).rows[0] -%}
    {%- set distinct_values, sampled = sample[0], sample[1] -%}
    {%- if distinct_values == 0 -%}
        {{- return({'format': none, 'decided_by': 'detected',
            'note': 'every value is ISO 8601 or missing'}) -}}
    {%- endif -%}
    {%- set contenders = [] -%}
    {%- for format in candidates -%}
        {%- if sample[loop.index0 + 2] == sampled -%}
            {%- do contenders.append(format) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- if contenders | length == 0 -%}
        {%- set ns = namespace(best=candidates[0], hits=-1) -%}
        {%- for format in candidates -%}
            {%- if sample[loop.index0 + 2] > ns.hits -%}
                {%- set ns.best = format -%}
                {%- set ns.hits = sample[loop.index0 + 2] -%}
            {%- endif -%}
        {%- endfor -%}
        {%- set contenders = [ns.best] -%}
    {%- elif contenders | length == 1 and sampled == distinct_values -%}
        {{- return({'format': contenders[0], 'decided_by': 'given' if given
            else 'detected', 'note': 'reads all ' ~ distinct_values
            ~ ' distinct values; no other candidate does'}) -}}
    {%- endif -%}

    {%- set measures = [] -%}
    {%- for format in contenders -%}
        {%- do measures.append('count(*) filter (where not '
            ~ reads_with('value', format) ~ ')') -%}
    {%- endfor -%}
    {%- set pairs = [] -%}
    {%- for first in contenders -%}
        {%- for second in contenders[loop.index:] -%}
            {%- set differ = strptime_utc('value', first) ~ ' != '
                ~ strptime_utc('value', second) -%}
            {%- do pairs.append([first, second]) -%}
            {%- do measures.append('count(*) filter (where ' ~ differ ~ ')') -%}
            {%- do measures.append("string_agg(value || ' = ' || strftime("
                ~ strptime_utc('value', first) ~ ", '%Y-%m-%d %H:%M') || ' or ' "
                ~ "|| strftime(" ~ strptime_utc('value', second)
                ~ ", '%Y-%m-%d %H:%M'), '; ' order by value) filter (where "
                ~ differ ~ " and rank <= 3)") -%}
        {%- endfor -%}
    {%- endfor -%}
    {%- set row = run_query(
        "select " ~ measures | join(', ') ~ " from (select value, row_number()"
        ~ " over (order by value) as rank from (" ~ values_sql ~ "))"
    ).rows[0] -%}
    {%- set misses = {} -%}
    {%- for format in contenders -%}
        {%- do misses.update({format: row[loop.index0]}) -%}
    {%- endfor -%}
    {%- set complete = [] -%}
    {%- for format in contenders if misses[format] == 0 -%}
        {%- do complete.append(format) -%}
    {%- endfor -%}
    {%- for pair in pairs -%}
        {%- set position = contenders | length + 2 * loop.index0 -%}
        {%- if pair[0] in complete and pair[1] in complete
            and row[position] > 0 -%}
            {{ exceptions.raise_compiler_error(
                label ~ ": timestamps in column '" ~ column ~ "' read fully "
                ~ "with both '" ~ pair[0] ~ "' and '" ~ pair[1] ~ "', which "
                ~ "disagree on " ~ row[position] ~ " of its "
                ~ distinct_values ~ " distinct values, e.g. "
                ~ row[position + 1] ~ ". Say which is meant: set "
                ~ "timestampformat on " ~ fix ~ " (or narrow var "
                ~ "timestamp_formats)."
            ) }}
        {%- endif -%}
    {%- endfor -%}
    {%- if complete | length > 0 -%}
        {{- return({'format': complete[0], 'decided_by': 'given' if given
            else 'detected', 'note': 'reads all ' ~ distinct_values
            ~ ' distinct values'}) -}}
    {%- endif -%}
    {%- set ns = namespace(best=contenders[0]) -%}
    {%- for format in contenders if misses[format] < misses[ns.best] -%}
        {%- set ns.best = format -%}
    {%- endfor -%}
    {{- return({'format': ns.best, 'decided_by': 'given' if given
        else 'detected', 'note': 'no format reads every value: this one '
        ~ 'misses ' ~ misses[ns.best] ~ ' of ' ~ distinct_values
        ~ ' distinct values, whose lines are quarantined '
        ~ '(unparseable_timestamp; ' ~ where ~ ')'}) -}}
{% endmacro %}
