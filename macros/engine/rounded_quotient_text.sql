{#
    SQL for the text of numerator / denominator rounded to `places`
    decimals, halves away from zero (12873 / 200 at 2 places: '64.37'), for
    integer-valued numerator and positive integer-valued denominator, up to
    18 digits of result. Exact on every engine: rounding a double instead
    gives '64.36' on DuckDB, which rounds the binary value of 64.365, and
    '64.37' on Spark.
#}
{% macro rounded_quotient_text(numerator, denominator, places) %}
    {%- set numerator = 'cast(' ~ numerator ~ ' as decimal(38, 0))' %}
    {%- set denominator = 'cast(' ~ denominator ~ ' as decimal(38, 0))' %}
    {#- The step as an exact decimal literal (0.01): a division would go
        through a double on DuckDB. #}
    {%- set step = '0.' ~ '0' * (places - 1) ~ '1' if places > 0 else '1' %}
    {%- set magnitude = integer_quotient(
        '2 * ' ~ 10 ** places ~ ' * abs(' ~ numerator ~ ') + ' ~ denominator,
        '2 * ' ~ denominator
    ) %}
    {#- The sign by case, not sign(): Spark's sign() is a double, which
        would round a quotient past 2^53. #}
    cast(
        cast(
            case
                when {{ numerator }} < 0 then -{{ magnitude }}
                else {{ magnitude }}
            end as decimal(18, 0)
        ) * {{ step }} as {{ dbt.type_string() }}
    )
{%- endmacro %}
