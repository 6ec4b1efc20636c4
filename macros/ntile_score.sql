{#
    The score (1 .. var rfm_buckets) for a value, from its NTILE bucket
    `bucket_column`, under var rfm_tie_policy:
      value: customers with equal values share the lowest bucket among them,
             so a tie never earns a better score than a peer with the same
             value;
      row:   the bucket as NTILE gave it (ties split by customer_id).
    The NTILE itself must order by the value and then customer_id, so that
    the same input gives the same buckets on every run and thread count.
    `partition_by` (optional) is the column the NTILE was partitioned by
    (as_of_date in the segment history): ties are then looked for within
    each partition only. A bigint on every engine (Spark's ntile gives an
    int, DuckDB's a bigint).
#}
{% macro ntile_score(bucket_column, value_column, partition_by=none) %}
    {%- set policy = var('rfm_tie_policy') -%}
    {%- if policy == 'value' -%}
        {%- set partition = value_column if partition_by is none
            else partition_by ~ ', ' ~ value_column -%}
        cast(min({{ bucket_column }}) over (partition by {{ partition }}) as bigint)
    {%- elif policy == 'row' -%}
        cast({{ bucket_column }} as bigint)
    {%- else -%}
        {{ exceptions.raise_compiler_error(
            "var rfm_tie_policy is '" ~ policy ~ "': use 'value' (equal "
            ~ "values share a score) or 'row' (plain NTILE)."
        ) }}
    {%- endif -%}
{%- endmacro %}
