-- One row per audience, empty ones included: the segment's customers, how
-- many are exported, and why the others are not (no usable contact for the
-- platform, or no consent).
with

audiences as (

    select * from {{ ref('int_audiences_defined') }}

),

audience_customers as (

    select * from {{ ref('int_audience_customers_matched') }}

),

as_of_dates as (

    select * from {{ ref('int_as_of_dates_resolved') }}

),

per_audience as (

    select
        audience_name,
        count(*) as customers,
        count(*) filter (where is_member) as members,
        count(*) filter (
            where is_member and hashed_email is not null
        ) as members_with_email,
        count(*) filter (
            where is_member and hashed_phone is not null
        ) as members_with_phone,
        count(*) filter (where not has_contact) as customers_without_contact,
        count(*) filter (
            where has_contact and not is_export_allowed
        ) as customers_without_consent
    from audience_customers
    group by audience_name

),

final as (

    select
        audiences.audience_name,
        audiences.platform,
        audiences.segment_type,
        audiences.segment_name,
        audiences.consent_rule,
        audiences.segment_rank,
        coalesce(per_audience.customers, 0) as customers,
        coalesce(per_audience.members, 0) as members,
        coalesce(per_audience.members_with_email, 0) as members_with_email,
        coalesce(per_audience.members_with_phone, 0) as members_with_phone,
        coalesce(per_audience.customers_without_contact, 0)
            as customers_without_contact,
        coalesce(per_audience.customers_without_consent, 0)
            as customers_without_consent,
        cast(per_audience.members as double)
        / nullif(per_audience.customers, 0) as member_share,
        as_of_dates.as_of_date
    from audiences
    cross join as_of_dates
    left join per_audience
        on audiences.audience_name = per_audience.audience_name

)

select * from final
