{#
    The vars that shape the audiences, checked: returns {platforms: list of
    google | meta, segments: none or a list of segment names, clusters:
    boolean, default_country_code: none or digits, consent: auto | required
    | not_required}. A value the models cannot use stops the build at
    compile time with a message naming the var.
#}
{% macro audience_settings() %}
    {%- set platforms = var('audience_platforms', ['google', 'meta']) -%}
    {%- set segments = var('audience_segments', none) -%}
    {%- set clusters = var('audience_clusters', true) -%}
    {%- set code = var('audience_phone_default_country_code', none) -%}
    {%- set consent = var('audience_consent', 'auto') -%}
    {%- set known_platforms = ['google', 'meta'] -%}

    {%- if platforms is string or platforms is mapping
        or platforms is not iterable or platforms | length == 0 -%}
        {{ exceptions.raise_compiler_error(
            "var audience_platforms is '" ~ platforms ~ "': use a non-empty "
            ~ "list of " ~ known_platforms | join(', ') ~ "."
        ) }}
    {%- endif -%}
    {%- set checked_platforms = [] -%}
    {%- for platform in platforms -%}
        {%- if platform not in known_platforms -%}
            {{ exceptions.raise_compiler_error(
                "var audience_platforms has '" ~ platform ~ "': known "
                ~ "platforms are " ~ known_platforms | join(', ') ~ "."
            ) }}
        {%- endif -%}
        {%- if platform not in checked_platforms -%}
            {%- do checked_platforms.append(platform) -%}
        {%- endif -%}
    {%- endfor -%}

    {%- if segments is not none and (segments is string or segments is mapping
        or segments is not iterable or segments | length == 0) -%}
        {{ exceptions.raise_compiler_error(
            "var audience_segments is '" ~ segments ~ "': use null (every "
            ~ "segment of seed segment_definitions) or a non-empty list of "
            ~ "segment names, e.g. ['Champions', 'At Risk']."
        ) }}
    {%- endif -%}

    {%- if clusters is not sameas true and clusters is not sameas false -%}
        {{ exceptions.raise_compiler_error(
            "var audience_clusters is '" ~ clusters ~ "': use true or false."
        ) }}
    {%- endif -%}

    {%- if code is not none and code != '' -%}
        {%- set code = code | string | replace('+', '') -%}
        {%- if not modules.re.match('^[1-9][0-9]{0,2}$', code) -%}
            {{ exceptions.raise_compiler_error(
                "var audience_phone_default_country_code is '" ~ code
                ~ "': use the country calling code in digits, e.g. \"44\" "
                ~ "(United Kingdom) or \"1\" (USA, Canada), or null."
            ) }}
        {%- endif -%}
    {%- else -%}
        {%- set code = none -%}
    {%- endif -%}

    {%- if consent not in ['auto', 'required', 'not_required'] -%}
        {{ exceptions.raise_compiler_error(
            "var audience_consent is '" ~ consent ~ "': use auto, required "
            ~ "or not_required."
        ) }}
    {%- endif -%}

    {{- return({
        'platforms': checked_platforms,
        'segments': segments,
        'clusters': clusters,
        'default_country_code': code,
        'consent': consent
    }) -}}
{% endmacro %}
