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
    The engines differ only in trim_contact and regexp_replace_all.
#}
{% macro normalize_email(column, platform) %}
    {%- if platform == 'google' -%}
        {%- set address = "lower("
            ~ regexp_replace_all(column, '\\s', '') ~ ")" -%}
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
        {%- set normalized = "lower(" ~ trim_contact(column) ~ ")" -%}
    {%- else -%}
        {{ exceptions.raise_compiler_error(
            "normalize_email: unknown platform '" ~ platform
            ~ "' (google or meta)."
        ) }}
    {%- endif -%}
    case
        when {{ full_match(normalized, '[^@\\s]+@[^@\\s]+\\.[^@\\s]+') }}
            then {{ normalized }}
    end
{%- endmacro %}
