{#
    SQL for one bound of the Newcombe hybrid score interval (Newcombe 1998,
    method 10) for the difference of two proportions
    d = p1 - p2 = successes_1 / trials_1 - successes_2 / trials_2, built from
    the Wilson intervals (l1, u1) and (l2, u2) of each:

        lower = d - sqrt((p1 - l1)^2 + (u2 - p2)^2)
        upper = d + sqrt((u1 - p1)^2 + (p2 - l2)^2)

    Better than the normal approximation d -/+ z * sqrt(p1 q1 / n1 + p2 q2 /
    n2) for small groups and rates near 0 or 1 (never beyond [-1, 1], not
    empty when a group has no responder). Null when either group is empty.
#}
{% macro newcombe_difference_bound(successes_1, trials_1, successes_2, trials_2, bound='lower', z=none) %}
    {%- if bound not in ['lower', 'upper'] -%}
        {{ exceptions.raise_compiler_error("newcombe_difference_bound: bound "
            ~ "must be 'lower' or 'upper'; got: " ~ bound) }}
    {%- endif -%}
    {%- set p1 = '(cast(' ~ successes_1 ~ ' as double) / nullif(' ~ trials_1 ~ ', 0))' -%}
    {%- set p2 = '(cast(' ~ successes_2 ~ ' as double) / nullif(' ~ trials_2 ~ ', 0))' -%}
    {%- set lower_1 = wilson_interval_bound(successes_1, trials_1, 'lower', z) -%}
    {%- set upper_1 = wilson_interval_bound(successes_1, trials_1, 'upper', z) -%}
    {%- set lower_2 = wilson_interval_bound(successes_2, trials_2, 'lower', z) -%}
    {%- set upper_2 = wilson_interval_bound(successes_2, trials_2, 'upper', z) -%}
    {%- if bound == 'lower' -%}
        ({{ p1 }} - {{ p2 }} - sqrt(
            power({{ p1 }} - ({{ lower_1 }}), 2)
            + power(({{ upper_2 }}) - {{ p2 }}, 2)
        ))
    {%- else -%}
        ({{ p1 }} - {{ p2 }} + sqrt(
            power(({{ upper_1 }}) - {{ p1 }}, 2)
            + power({{ p2 }} - ({{ lower_2 }}), 2)
        ))
    {%- endif -%}
{%- endmacro %}
