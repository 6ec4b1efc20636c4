{#
    Every non-null value is a SHA-256 digest as 64 lower-case hex
    characters: what the ad platforms take, and never a raw email or phone
    number. Fails with each value that is not, how many rows hold it, and a
    failure_reason that leaves the value out: it may be a raw contact, which
    has no place in a build log.
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

),

final as (

    select
        *,
        cast(rows_with_value as {{ dbt.type_string() }})
        || ' rows of {{ column_name }} hold a value of '
        || cast(length(not_a_digest) as {{ dbt.type_string() }})
        || ' characters that is not a SHA-256 digest (64 lower-case hex'
        || ' characters): a contact must be hashed before it is exported'
            as failure_reason
    from validation_errors

)

select * from final
{% endtest %}
