{#
    The score (1 .. buckets; by default var rfm_buckets) of the customer at
    1-based `position_column` among `count_column` customers, by the NTILE
    rule: the first (count mod buckets) buckets hold one customer more than
    the others. With the position of the value's first customer plus
    ntile_tie_rank this is ntile() under var rfm_tie_policy. Plain
    arithmetic, the same on every engine; a bigint.
#}
{% macro ntile_score(position_column, count_column, buckets=none) %}
    {%- set buckets = buckets or settings().rfm_buckets -%}
    {%- set small = 'floor(' ~ count_column ~ ' / ' ~ buckets ~ ')' -%}
    {%- set large = '(' ~ count_column ~ ' - ' ~ buckets ~ ' * ' ~ small ~ ')' -%}
    cast(
        case
            when {{ position_column }} <= {{ large }} * ({{ small }} + 1)
                then floor(({{ position_column }} - 1) / ({{ small }} + 1)) + 1
            else {{ large }} + floor(
                ({{ position_column }} - 1 - {{ large }} * ({{ small }} + 1))
                / nullif({{ small }}, 0)
            ) + 1
        end as bigint
    )
{%- endmacro %}
