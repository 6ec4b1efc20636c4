{#
    The score column holds the NTILE bucket its value earns under var
    rfm_tie_policy, recomputed here without ntile(): from each customer's
    1-based position in the order (by value, then customer_id) and the NTILE
    rule that the first n mod b buckets hold one row more than the rest.
    Under 'row' the position is the customer's own, so buckets are balanced
    to within one customer; under 'value' it is the position of the first
    customer with the same value, so equal values share a score.
    With `partition_by` (e.g. as_of_date in the segment history), positions
    and bucket sizes are taken within each partition.
    Fails with each customer whose score differs, and what it should be.
#}
{% test expect_ntile_scores_to_follow_tie_policy(
    model, column_name, value_column, descending=false, partition_by=none
) %}
{%- set buckets = rfm_buckets() -%}
{%- set direction = 'desc' if descending else 'asc' -%}
{%- set partition = '' if partition_by is none
    else 'partition by ' ~ partition_by ~ ' ' -%}
{%- set partition_column = 'null' if partition_by is none else partition_by -%}

with

scored as (

    select
        customer_id,
        {{ partition_column }} as partition_value,
        {{ value_column }} as score_value,
        {{ column_name }} as actual_score,
        count(*) over ({{ partition }}) as customer_count,
        row_number() over (
            {{ partition }}order by {{ value_column }} {{ direction }}, customer_id
        ) as row_position,
        rank() over (
            {{ partition }}order by {{ value_column }} {{ direction }}
        ) as tie_position
    from {{ model }}

),

positioned as (

    select
        *,
        {%- if var('rfm_tie_policy') == 'value' %}
        tie_position as policy_position,
        {%- else %}
        row_position as policy_position,
        {%- endif %}
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
        customer_id,
        partition_value,
        score_value,
        actual_score,
        expected_score
    from expected
    where actual_score is null or actual_score != expected_score

)

select * from validation_errors
{% endtest %}
