{#
    The core of the generic tests that compare a figure with a bound: the
    rows of `figures` (a CTE) whose `figure` lies below `min_value` or above
    `max_value`, each with a failure_reason that names the figure, the bound
    it broke and the var that sets it:
        <observed>, below <min_name> = <min_value><tail>
    A bound left at none, or null, checks nothing (a var set to null turns
    its check off); with no bound at all no row fails. The bounds are SQL:
    numbers, or columns of `figures` with `cast_bounds` (each row's own
    interval). `missing_fails`: a null figure fails too, when a bound is
    set. `or_when` / `or_reason`: one more way a row fails, and its reason.
#}
{% macro bound_errors(
    figures,
    figure,
    observed,
    columns=['*'],
    min_value=none,
    max_value=none,
    min_name='min_value',
    max_name='max_value',
    min_word='below',
    max_word='above',
    tail=none,
    cast_bounds=false,
    missing_fails=false,
    or_when=none,
    or_reason=none
) %}
    {%- set low = none if min_value in [none, 'null'] else min_value -%}
    {%- set high = none if max_value in [none, 'null'] else max_value -%}
    {%- set checks = [] -%}
    {%- if low is not none -%}
        {%- do checks.append(figure ~ ' < ' ~ low) -%}
    {%- endif -%}
    {%- if high is not none -%}
        {%- do checks.append(figure ~ ' > ' ~ high) -%}
    {%- endif -%}
    {%- if checks and missing_fails -%}
        {%- do checks.append(figure ~ ' is null') -%}
    {%- endif -%}
    {%- if or_when -%}
        {%- do checks.append(or_when) -%}
    {%- endif -%}
    {%- set below = bound_words(min_word, min_name, low, cast_bounds) -%}
    {%- set above = bound_words(max_word, max_name, high, cast_bounds) -%}
    {%- if low is not none and high is not none -%}
        {%- set broken = 'case when ' ~ figure ~ ' > ' ~ high ~ ' then '
            ~ above ~ ' else ' ~ below ~ ' end' -%}
    {%- else -%}
        {%- set broken = below if low is not none else above -%}
    {%- endif -%}
    {%- set reason = observed ~ " || ', ' || " ~ broken
        ~ (' || ' ~ tail if tail else '') -%}
    select
        {{ columns | join(',\n        ') }},
        {%- if or_when %}
        case
            when {{ or_when }} then {{ or_reason }}
            else {{ reason }}
        end as failure_reason
        {%- else %}
        {{ reason }} as failure_reason
        {%- endif %}
    from {{ figures }}
    where {{ '(' ~ checks | join(')\n        or (') ~ ')' if checks
        else 'false' }}
{%- endmacro %}

{#- "below var x = 3" as a SQL text: the word, the bound's name and value. #}
{% macro bound_words(word, name, bound, cast_bounds=false) %}
    {%- if bound is none -%}
        {{- return("''") -}}
    {%- elif cast_bounds -%}
        {{- return("'" ~ word ~ ' ' ~ name ~ " = ' || cast(" ~ bound ~ ' as '
            ~ dbt.type_string() ~ ')') -}}
    {%- endif -%}
    {{- return("'" ~ word ~ ' ' ~ name ~ ' = ' ~ bound ~ "'") -}}
{% endmacro %}
