{#
    SQL for one bound of the Wilson score interval of a proportion
    successes / trials (Wilson 1927; no continuity correction):

        (p + z^2 / 2n -/+ z * sqrt(p (1 - p) / n + z^2 / 4n^2)) / (1 + z^2 / n)

    with p = successes / trials and n = trials. Unlike p -/+ z * se it stays
    inside [0, 1] and is not empty at 0 or n successes, so small segments
    get honest, wide intervals. Null when successes or trials is null, or
    trials is 0. The lower bound at 0 successes is exactly 0 and the upper
    at n exactly 1, and every result is clamped to [0, 1], against rounding
    in the last bit.
    `z` defaults to var campaign_interval_z (1.96: 95%).
#}
{% macro wilson_interval_bound(successes, trials, bound='lower', z=none) %}
    {%- if bound not in ['lower', 'upper'] -%}
        {{ exceptions.raise_compiler_error("wilson_interval_bound: bound "
            ~ "must be 'lower' or 'upper'; got: " ~ bound) }}
    {%- endif -%}
    {%- set z = z if z is not none else settings().campaign_interval_z -%}
    {%- set sign = '-' if bound == 'lower' else '+' -%}
    {%- set n = 'cast(' ~ trials ~ ' as double)' -%}
    {%- set p = '(cast(' ~ successes ~ ' as double) / ' ~ n ~ ')' -%}
    {%- set z2 = '(' ~ z ~ ' * ' ~ z ~ ')' -%}
    {%- set edge = ('0' if bound == 'lower' else trials) -%}
    {%- set edge_value = ('0.0' if bound == 'lower' else '1.0') -%}
    case
        when {{ successes }} is null or {{ trials }} is null then null
        when {{ trials }} <= 0 then null
        {#- Exact at the edges: 0 successes has lower bound 0, all
            successes upper bound 1 (the formula gives it up to an ulp). #}
        when {{ successes }} = {{ edge }} then {{ edge_value }}
        else greatest(0.0, least(1.0,
            (
                {{ p }} + {{ z2 }} / (2 * {{ n }})
                {{ sign }} {{ z }} * sqrt(
                    {{ p }} * (1 - {{ p }}) / {{ n }}
                    + {{ z2 }} / (4 * {{ n }} * {{ n }})
                )
            ) / (1 + {{ z2 }} / {{ n }})
        ))
    end
{%- endmacro %}
