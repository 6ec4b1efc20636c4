{# var rfm_buckets, checked: an integer from 2 to 10. #}
{% macro rfm_buckets() %}
    {%- set buckets = var('rfm_buckets') -%}
    {%- if buckets is not number or buckets != buckets | int
        or buckets < 2 or buckets > 10 -%}
        {{ exceptions.raise_compiler_error(
            "var rfm_buckets is '" ~ buckets ~ "': use a whole number from "
            ~ "2 to 10 (5 is what the segment rules are written for)."
        ) }}
    {%- endif -%}
    {{- return(buckets | int) -}}
{% endmacro %}
