{#
    The score column holds the NTILE bucket its value earns under var
    rfm_tie_policy, recomputed without the model's window functions, from
    each customer's 1-based position in the order (by value) and the NTILE
    rule that the first n mod b buckets hold one row more than the rest.
    Under 'value' the position is that of the first customer with the same
    value, so equal values share a score: it is found from counts (customers
    per value, summed over the values before it), one pass over the rows and
    then work on the distinct values only. Under 'row' it is the customer's
    own position, ties split by customer_id, so buckets are balanced to
    within one customer. With `partition_by` (as_of_date in the dated RFM
    chain) positions and bucket sizes are taken within each partition.
    Fails with each value ('value') or customer ('row') whose score differs,
    and what it should be; a null score fails too.
#}
{% test expect_ntile_scores_to_follow_tie_policy(
    model, column_name, value_column, descending=false, partition_by=none
) %}
{%- set buckets = settings().rfm_buckets -%}
{%- set direction = 'desc' if descending else 'asc' -%}
{%- set partition = '' if partition_by is none
    else 'partition by partition_value ' -%}
{%- set row_partition = '' if partition_by is none
    else 'partition by ' ~ partition_by ~ ' ' -%}
{%- set partition_column = 'null' if partition_by is none else partition_by -%}
{%- set group_columns = value_column if partition_by is none
    else partition_by ~ ', ' ~ value_column -%}
{%- set by_value = settings().rfm_tie_policy == 'value' -%}

with

{% if by_value -%}
per_value as (

    select
        {{ partition_column }} as partition_value,
        {{ value_column }} as score_value,
        count(*) as customers,
        count({{ column_name }}) as scored_customers,
        min({{ column_name }}) as actual_score,
        max({{ column_name }}) as highest_score
    from {{ model }}
    group by {{ group_columns }}

),

scored as (

    select
        *,
        sum(customers) over (
            {{ partition }}order by score_value {{ direction }}
            rows between unbounded preceding and current row
        ) - customers + 1 as policy_position,
        sum(customers) over ({{ partition }}) as customer_count
    from per_value

),
{%- else -%}
scored as (

    select
        customer_id,
        {{ partition_column }} as partition_value,
        {{ value_column }} as score_value,
        1 as customers,
        case when {{ column_name }} is null then 0 else 1 end
            as scored_customers,
        {{ column_name }} as actual_score,
        {{ column_name }} as highest_score,
        count(*) over ({{ row_partition }}) as customer_count,
        row_number() over (
            {{ row_partition }}order by {{ value_column }} {{ direction }},
            customer_id
        ) as policy_position
    from {{ model }}

),
{%- endif %}

positioned as (

    select
        *,
        floor(customer_count / {{ buckets }}) as small_bucket_size,
        customer_count
        - {{ buckets }} * floor(customer_count / {{ buckets }}) as large_buckets
    from scored

),

expected as (

    select
        *,
        case
            when policy_position <= large_buckets * (small_bucket_size + 1)
                then ceil(policy_position / (small_bucket_size + 1.0))
            else large_buckets + ceil(
                (policy_position - large_buckets * (small_bucket_size + 1))
                / small_bucket_size
            )
        end as expected_score
    from positioned

),

validation_errors as (

    select
        {%- if not by_value %}
        customer_id,
        {%- endif %}
        partition_value,
        score_value,
        customers,
        actual_score,
        highest_score,
        expected_score
    from expected
    where
        scored_customers < customers
        or actual_score != expected_score
        or highest_score != expected_score

)

select * from validation_errors
{% endtest %}
