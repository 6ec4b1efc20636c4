-- The value tiers are data, so they are tested like data: each value decile
-- 1-10 falls in exactly one tier of seed value_tiers. Fails with each
-- decile that no tier or several tiers cover.
{%- set text = dbt.type_string() %}

with

value_tiers as (

    select * from {{ ref('value_tiers') }}

),

deciles as (

    select decile_values.value_decile
    from (
        values
        {%- for decile in range(1, 11) %}
            ({{ decile }}){% if not loop.last %},{% endif %}
        {%- endfor %}
    ) as decile_values (value_decile)

),

matches as (

    select
        deciles.value_decile,
        count(value_tiers.tier_name) as matching_tiers
    from deciles
    left join value_tiers
        on
            deciles.value_decile >= value_tiers.min_value_decile
            and deciles.value_decile <= value_tiers.max_value_decile
    group by deciles.value_decile

),

validation_errors as (

    select
        value_decile,
        matching_tiers,
        'value decile ' || cast(value_decile as {{ text }}) || ' falls in '
        || cast(matching_tiers as {{ text }})
        || ' tiers of seed value_tiers, 1 expected: fix min_value_decile'
        || ' and max_value_decile of the tiers' as failure_reason
    from matches
    where matching_tiers != 1

)

select * from validation_errors
