{#
    The Gamma-Gamma expected value per order as a SQL expression:
    (p (v + n m)) / (p n + q - 1) floored at 0, and the population mean
    p v / (q - 1) for a customer with no order value to go on (n = 0 or m
    null). The formula of segmentation.clv.gamma_gamma.expected_order_value.
    Every argument is a SQL expression: columns, or the numbers of var
    clv_parameters.
#}
{% macro gamma_gamma_order_value(n, mean_value, p, q, v) %}
    case
        when {{ n }} = 0 or {{ mean_value }} is null
            then {{ p }} * {{ v }} / ({{ q }} - 1.0)
        else greatest(
            {{ p }} * ({{ v }} + {{ n }} * {{ mean_value }})
            / ({{ p }} * {{ n }} + {{ q }} - 1.0),
            0.0
        )
    end
{%- endmacro %}
