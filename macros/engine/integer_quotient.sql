{#
    SQL for the whole part of dividend / divisor, for integer-valued
    operands with dividend >= 0 and divisor > 0, exact on every engine:
    DuckDB's `//` on HUGEINT, Spark's `div` on DECIMAL(38, 0). (A plain `/`
    goes through a binary double on DuckDB.)
#}
{% macro integer_quotient(dividend, divisor) %}
    {{- return(adapter.dispatch('integer_quotient', 'customer_segmentation')(
        dividend, divisor
    )) -}}
{% endmacro %}

{% macro default__integer_quotient(dividend, divisor) %}
    (cast({{ dividend }} as decimal(38, 0)) div cast({{ divisor }} as decimal(38, 0)))
{%- endmacro %}

{% macro duckdb__integer_quotient(dividend, divisor) %}
    (cast({{ dividend }} as hugeint) // cast({{ divisor }} as hugeint))
{%- endmacro %}
