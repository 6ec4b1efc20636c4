{#
    P(alive) of BG/NBD as a SQL expression: 1 for a customer without a
    repeat purchase, else
    1 / (1 + a / (b + x - 1) * ((alpha + T) / (alpha + t_x)) ^ (r + x)),
    with the power taken through logarithms and capped so that it cannot
    overflow (beyond e^700 P(alive) is 0 to double precision anyway). The
    formula of segmentation.clv.bgnbd.probability_alive, for engines without
    Python models. Every argument is a SQL expression: columns, or the
    numbers of var clv_parameters.
#}
{% macro bgnbd_p_alive(x, t_x, customer_age, r, alpha, a, b) %}
    case
        when {{ x }} = 0 then cast(1 as double)
        else 1.0 / (1.0 + exp(least(
            ln({{ a }}) - ln({{ b }} + {{ x }} - 1)
            + ({{ r }} + {{ x }}) * (
                ln({{ alpha }} + {{ customer_age }})
                - ln({{ alpha }} + {{ t_x }})
            ),
            700.0
        )))
    end
{%- endmacro %}
