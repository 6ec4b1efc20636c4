-- One row per audience and customer to send to its ad platform: the
-- customers of the audience's segment (or cluster) that have a usable email
-- or phone and pass the consent rule, with the hashes only (SHA-256 of the
-- platform's normalisation). What `python -m segmentation.audiences` writes
-- to the export files, adds and removes.
with

audience_customers as (

    select * from {{ ref('int_audience_customers_matched') }}

),

final as (

    select
        audience_name,
        customer_id,
        platform,
        segment_type,
        segment_name,
        hashed_email,
        hashed_phone,
        as_of_date
    from audience_customers
    where is_member

)

select * from final
