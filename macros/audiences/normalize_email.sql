{#
    An email address normalised the way an ad platform wants it before
    hashing, or null when the result is not a usable address (one `@`, no
    whitespace, a dot in the domain, something on both sides). Rules
    (design.md, "Activation"):
      google: every whitespace character removed, lower case; for gmail.com
              and googlemail.com addresses the `+suffix` and every dot are
              removed from the local part ('Jane.Doe+news@GMail.com' ->
              'janedoe@gmail.com').
      meta:   leading and trailing whitespace trimmed, lower case; nothing
              else (an address with a space inside stays unusable).
#}
{% macro normalize_email(column, platform) %}
    {{- return(adapter.dispatch('normalize_email', 'customer_segmentation')(
        column, platform
    )) -}}
{% endmacro %}

{% macro default__normalize_email(column, platform) %}
    {{ exceptions.raise_compiler_error(
        "normalize_email has no implementation for " ~ target.type
        ~ " yet: add <adapter>__normalize_email next to duckdb__normalize_email."
    ) }}
{%- endmacro %}

{% macro duckdb__normalize_email(column, platform) %}
    {%- set whitespace = "chr(32) || chr(9) || chr(10) || chr(13)" -%}
    {%- if platform == 'google' -%}
        {%- set address = "lower(regexp_replace(" ~ column
            ~ ", '\\s', '', 'g'))" -%}
        {%- set local_part = "split_part(" ~ address ~ ", '@', 1)" -%}
        {%- set domain = "split_part(" ~ address ~ ", '@', 2)" -%}
        {%- set normalized -%}
            case
                when {{ domain }} in ('gmail.com', 'googlemail.com')
                    then replace(split_part({{ local_part }}, '+', 1), '.', '')
                    || '@' || {{ domain }}
                else {{ address }}
            end
        {%- endset -%}
    {%- elif platform == 'meta' -%}
        {%- set normalized = "lower(trim(" ~ column ~ ", " ~ whitespace
            ~ "))" -%}
    {%- else -%}
        {{ exceptions.raise_compiler_error(
            "normalize_email: unknown platform '" ~ platform
            ~ "' (google or meta)."
        ) }}
    {%- endif -%}
    case
        when regexp_full_match(
            {{ normalized }}, '[^@\s]+@[^@\s]+\.[^@\s]+'
        )
            then {{ normalized }}
    end
{%- endmacro %}

{#- Spark: the same rules in Java regular expressions; a backslash in a
    Spark string literal must itself be escaped. #}
{% macro spark__normalize_email(column, platform) %}
    {%- if platform == 'google' -%}
        {%- set address = "lower(regexp_replace(" ~ column ~ ", '\\\\s', ''))" -%}
        {%- set local_part = "split_part(" ~ address ~ ", '@', 1)" -%}
        {%- set domain = "split_part(" ~ address ~ ", '@', 2)" -%}
        {%- set normalized -%}
            case
                when {{ domain }} in ('gmail.com', 'googlemail.com')
                    then replace(split_part({{ local_part }}, '+', 1), '.', '')
                    || '@' || {{ domain }}
                else {{ address }}
            end
        {%- endset -%}
    {%- elif platform == 'meta' -%}
        {%- set normalized = "lower(" ~ trim_whitespace(column) ~ ")" -%}
    {%- else -%}
        {{ exceptions.raise_compiler_error(
            "normalize_email: unknown platform '" ~ platform
            ~ "' (google or meta)."
        ) }}
    {%- endif -%}
    case
        when {{ normalized }} rlike '^[^@\\s]+@[^@\\s]+[.][^@\\s]+$'
            then {{ normalized }}
    end
{%- endmacro %}
