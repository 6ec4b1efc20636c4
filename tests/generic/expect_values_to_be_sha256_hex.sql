{#
    Every non-null value is a SHA-256 digest as 64 lower-case hex
    characters: what the ad platforms take, and never a raw email or phone
    number. Fails with each value that is not, and how many rows hold it.
#}
{% test expect_values_to_be_sha256_hex(model, column_name) %}

with

validation_errors as (

    select
        {{ column_name }} as not_a_digest,
        count(*) as rows_with_value
    from {{ model }}
    where
        {{ column_name }} is not null
        and not {{ full_match(column_name, '[0-9a-f]{64}') }}
    group by {{ column_name }}

)

select * from validation_errors
{% endtest %}
