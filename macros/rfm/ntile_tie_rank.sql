{#
    How far a customer sits behind the first customer with the same value in
    the NTILE order, under var rfm_tie_policy:
      value: 0, so equal values share the first one's position and score
             (a tie never earns a better score than a peer with the same
             value);
      row:   its rank among those customers by customer_id, 0-based (a
             window expression), which is what plain NTILE does with ties
             ordered by customer_id.
    Added to the position of a value's first customer, it gives the
    position ntile_score reads. `partition_by` (optional) is the column the
    scores are taken within (as_of_date in the dated RFM chain).
#}
{% macro ntile_tie_rank(value_column, partition_by=none) %}
    {%- set policy = settings().rfm_tie_policy -%}
    {%- set partition = value_column if partition_by is none
        else partition_by ~ ', ' ~ value_column -%}
    {%- if policy == 'value' -%}
        0
    {%- elif policy == 'row' -%}
        (row_number() over (
            partition by {{ partition }} order by customer_id
        ) - 1)
    {%- else -%}
        {{ exceptions.raise_compiler_error(
            "var rfm_tie_policy is '" ~ policy ~ "': use 'value' (equal "
            ~ "values share a score) or 'row' (plain NTILE)."
        ) }}
    {%- endif -%}
{%- endmacro %}
