{#
    A phone number normalised the way an ad platform wants it before
    hashing, or null when it cannot be read as a whole international number
    (8 to 15 digits with the country code, the first not 0: E.164). Steps:
    a "(0)" (the trunk prefix British numbers write after the country code)
    is dropped, then every character but the digits; a number written with
    a leading "+" or "00" already has its country code; one without them is
    read as national: when its digits start with `default_country_code` and
    are 11 or more, they already include it ("44 7700 900123", "1 555 010
    0199"), otherwise one leading 0 (the trunk prefix) is dropped and the
    code put in front ("07700 900123" -> 447700900123). With no default code
    (null), national numbers are not usable. Output by platform (design.md,
    "Activation"):
      google: E.164 with the plus, '+447700900123';
      meta:   the same digits without the plus, '447700900123'.
    The engines differ only in trim_contact and regexp_replace_all.
#}
{% macro normalize_phone(column, platform, default_country_code=none) %}
    {%- set code = default_country_code -%}
    {%- set text = "replace(" ~ trim_contact(
        "cast(" ~ column ~ " as " ~ dbt.type_string() ~ ")"
    ) ~ ", '(0)', '')" -%}
    {%- set digits = regexp_replace_all(text, '[^0-9]', '') -%}
    {%- set international -%}
        case
            when {{ text }} like '+%' then {{ digits }}
            when {{ digits }} like '00%' then substr({{ digits }}, 3)
            {%- if code is not none %}
            when
                {{ digits }} like '{{ code }}%' and length({{ digits }}) >= 11
                then {{ digits }}
            else '{{ code }}' || regexp_replace({{ digits }}, '^0', '')
            {%- endif %}
        end
    {%- endset -%}
    {%- if platform == 'google' -%}
        {%- set prefix = "'+' || " -%}
    {%- elif platform == 'meta' -%}
        {%- set prefix = "" -%}
    {%- else -%}
        {{ exceptions.raise_compiler_error(
            "normalize_phone: unknown platform '" ~ platform
            ~ "' (google or meta)."
        ) }}
    {%- endif -%}
    case
        when {{ full_match(international, '[1-9][0-9]{7,14}') }}
            then {{ prefix }}{{ international }}
    end
{%- endmacro %}
