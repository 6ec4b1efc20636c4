{#
    A segment name as it appears in an audience (and export file) name:
    lower case, apostrophes dropped, every other run of characters that are
    not a-z or 0-9 made one underscore, none at the ends
    ("Can't Lose Them" -> 'cant_lose_them').
#}
{% macro audience_slug(column) %}
    {{- return(adapter.dispatch('audience_slug', 'customer_segmentation')(
        column
    )) -}}
{% endmacro %}

{% macro default__audience_slug(column) %}
    {{ exceptions.raise_compiler_error(
        "audience_slug has no implementation for " ~ target.type
        ~ " yet: add <adapter>__audience_slug next to duckdb__audience_slug."
    ) }}
{%- endmacro %}

{% macro duckdb__audience_slug(column) %}
    trim(
        regexp_replace(
            lower(replace({{ column }}, '''', '')), '[^a-z0-9]+', '_', 'g'
        ),
        '_'
    )
{%- endmacro %}

{% macro spark__audience_slug(column) %}
    trim(
        both '_' from regexp_replace(
            lower(replace({{ column }}, chr(39), '')), '[^a-z0-9]+', '_'
        )
    )
{%- endmacro %}
