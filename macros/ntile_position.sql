{#
    The 1-based position that decides a value's NTILE score, under var
    rfm_tie_policy, as a window expression over `partition_by` (optional;
    as_of_date in the dated RFM chain):
      value: the position of the first customer with the same value
             (rank()), so equal values share a score and a tie never earns
             a better score than a peer with the same value;
      row:   the customer's own position, ties split by customer_id
             (row_number()), which is what plain NTILE does.
    `descending` orders the largest value first (recency: the longest ago
    gets score 1). ntile_score turns the position into the score.
#}
{% macro ntile_position(value_column, descending=false, partition_by=none) %}
    {%- set policy = var('rfm_tie_policy') -%}
    {%- set direction = 'desc' if descending else 'asc' -%}
    {%- set partition = '' if partition_by is none
        else 'partition by ' ~ partition_by ~ ' ' -%}
    {%- if policy == 'value' -%}
        rank() over ({{ partition }}order by {{ value_column }} {{ direction }})
    {%- elif policy == 'row' -%}
        row_number() over (
            {{ partition }}order by {{ value_column }} {{ direction }},
            customer_id asc
        )
    {%- else -%}
        {{ exceptions.raise_compiler_error(
            "var rfm_tie_policy is '" ~ policy ~ "': use 'value' (equal "
            ~ "values share a score) or 'row' (plain NTILE)."
        ) }}
    {%- endif -%}
{%- endmacro %}
