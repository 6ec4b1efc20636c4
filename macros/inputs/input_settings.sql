{#
    The vars that say how inputs are read and judged, checked once and
    handed out as a dict, so a bad value stops the build with a message
    naming the var (its default lives in dbt_project.yml only):
    missing_values (lower-cased placeholders, the empty text included),
    id_leading_zeros, return_order_pattern, returns_from_negative_quantity,
    reporting_currency, currency_rates, timestamp_formats and the share
    thresholds.
#}
{% macro input_settings() %}
    {%- set placeholders = var('missing_value_placeholders') or [] -%}
    {%- if placeholders is string or placeholders is mapping -%}
        {{ exceptions.raise_compiler_error(
            "var missing_value_placeholders must be a list of texts read as "
            ~ "missing (e.g. [\"NULL\", \"N/A\"]); got: " ~ placeholders
        ) }}
    {%- endif -%}
    {%- set missing = [''] -%}
    {%- for text in placeholders -%}
        {%- set lowered = (text | string | trim | lower) -%}
        {%- if lowered not in missing -%}
            {%- do missing.append(lowered) -%}
        {%- endif -%}
    {%- endfor -%}

    {%- set zeros = var('id_leading_zeros') -%}
    {%- if zeros not in ['keep', 'strip'] -%}
        {{ exceptions.raise_compiler_error(
            "var id_leading_zeros is '" ~ zeros ~ "': use keep ('00123' and "
            ~ "'123' are different ids) or strip (they are one)."
        ) }}
    {%- endif -%}

    {%- set pattern = var('return_order_pattern') -%}
    {%- if pattern is not none and (pattern is not string or pattern == '') -%}
        {{ exceptions.raise_compiler_error(
            "var return_order_pattern must be a regular expression over the "
            ~ "order id (e.g. '^C[0-9]'), or null for none; got: " ~ pattern
        ) }}
    {%- endif -%}
    {%- set negative = var('returns_from_negative_quantity') -%}
    {%- if negative is not boolean -%}
        {{ exceptions.raise_compiler_error(
            "var returns_from_negative_quantity must be true or false; got: "
            ~ negative
        ) }}
    {%- endif -%}

    {%- set currency = var('reporting_currency') -%}
    {%- if currency is not string
        or not modules.re.match('^[A-Za-z]{3}$', currency) -%}
        {{ exceptions.raise_compiler_error(
            "var reporting_currency must be a three-letter ISO 4217 code "
            ~ "such as GBP, EUR or USD; got: " ~ currency
        ) }}
    {%- endif -%}
    {%- set rates = var('currency_rates') -%}
    {%- if rates is not none and rates is not string -%}
        {{ exceptions.raise_compiler_error(
            "var currency_rates must be null (seed currency_rates) or the "
            ~ "name of a table or view; got: " ~ rates
        ) }}
    {%- endif -%}

    {%- set formats = var('timestamp_formats') -%}
    {%- if formats is string -%}
        {%- set formats = [formats] -%}
    {%- endif -%}
    {%- if formats is mapping or formats | length == 0 -%}
        {{ exceptions.raise_compiler_error(
            "var timestamp_formats must be a non-empty list of strptime "
            ~ "formats (e.g. [\"%Y-%m-%d %H:%M:%S\"]); got: " ~ formats
        ) }}
    {%- endif -%}

    {%- set shares = {} -%}
    {%- for name in [
        'max_quarantine_share', 'return_line_share_warn',
        'return_line_share_error', 'return_only_customer_share_warn',
        'return_only_customer_share_error'
    ] -%}
        {%- set value = var(name) -%}
        {%- if value is not number or value < 0 or value > 1 -%}
            {{ exceptions.raise_compiler_error(
                "var " ~ name ~ " is '" ~ value ~ "': use a share between 0 "
                ~ "and 1."
            ) }}
        {%- endif -%}
        {%- do shares.update({name: value}) -%}
    {%- endfor -%}
    {%- for kind in ['return_line_share', 'return_only_customer_share'] -%}
        {%- if shares[kind ~ '_warn'] > shares[kind ~ '_error'] -%}
            {{ exceptions.raise_compiler_error(
                "var " ~ kind ~ "_warn (" ~ shares[kind ~ '_warn']
                ~ ") is above var " ~ kind ~ "_error (" ~ shares[kind ~ '_error']
                ~ "): the warning must come first."
            ) }}
        {%- endif -%}
    {%- endfor -%}

    {{- return({
        'missing_values': missing,
        'id_leading_zeros': zeros,
        'return_order_pattern': pattern,
        'returns_from_negative_quantity': negative,
        'reporting_currency': currency | upper,
        'currency_rates': rates,
        'timestamp_formats': formats,
        'shares': shares,
    }) -}}
{% endmacro %}
