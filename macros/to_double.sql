{#
    A number as a double, null when it does not parse or is not finite (NaN
    and infinity would poison every sum downstream), and null when the
    column is not mapped.
#}
{% macro to_double(column) %}
    {%- if column is none -%}
        cast(null as double)
    {%- else -%}
        {{ return(adapter.dispatch('to_double', 'customer_segmentation')(column)) }}
    {%- endif -%}
{%- endmacro %}

{% macro default__to_double(column) %}
    case
        when not isnan(try_cast({{ column }} as double))
            and abs(try_cast({{ column }} as double)) < 1e300
            then try_cast({{ column }} as double)
    end
{%- endmacro %}

{% macro duckdb__to_double(column) %}
    case
        when isfinite(try_cast({{ column }} as double))
            then try_cast({{ column }} as double)
    end
{%- endmacro %}

{% macro spark__to_double(column) %}
    {{ default__to_double(column) }}
{%- endmacro %}
