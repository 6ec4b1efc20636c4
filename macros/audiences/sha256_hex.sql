{#
    SHA-256 of a text expression as 64 lower-case hex characters (what
    Google Customer Match and Meta Custom Audiences take); null stays null.
    DuckDB's sha256() hashes the UTF-8 bytes, as Python's hashlib does.
#}
{% macro sha256_hex(expression) %}
    {{- return(adapter.dispatch('sha256_hex', 'customer_segmentation')(
        expression
    )) -}}
{% endmacro %}

{% macro default__sha256_hex(expression) %}
    lower(sha2({{ expression }}, 256))
{%- endmacro %}

{% macro duckdb__sha256_hex(expression) %}
    sha256({{ expression }})
{%- endmacro %}

{% macro spark__sha256_hex(expression) %}
    {{ default__sha256_hex(expression) }}
{%- endmacro %}
