-- One row per audience and customer of the audience's segment (of any
-- segmentation: int_segment_assignments), whether or not the customer can
-- be exported: the customer's hashed contacts for the audience's platform,
-- and why they are left out if they are (no usable contact, or the consent
-- rule). A view: both audience marts read it, and it has a row per customer
-- per audience.
{{ config(materialized='view') }}
{%- set consent_rule = audience_consent_rule() %}

with

audiences as (

    select * from {{ ref('int_audiences_defined') }}

),

assignments as (

    select * from {{ ref('int_segment_assignments') }}

),

hashed_contacts as (

    select * from {{ ref('int_customer_contacts_hashed') }}

),

as_of_dates as (

    select * from {{ ref('int_as_of_dates_resolved') }}

),

matched as (

    select
        audiences.audience_name,
        assignments.customer_id,
        audiences.platform,
        audiences.segment_type,
        audiences.segment_name,
        hashed_contacts.hashed_email,
        hashed_contacts.hashed_phone,
        coalesce(
            hashed_contacts.hashed_email is not null
            or hashed_contacts.hashed_phone is not null,
            false
        ) as has_contact,
        -- A customer with no contact line at all has stated no consent.
        coalesce(
            hashed_contacts.is_export_allowed,
            {{ 'true' if consent_rule == 'not_applied' else 'false' }}
        ) as is_export_allowed,
        as_of_dates.as_of_date
    from audiences
    inner join assignments
        on
            audiences.segment_type = assignments.segment_type
            and audiences.segment_name = assignments.segment_name
    cross join as_of_dates
    left join hashed_contacts
        on
            assignments.customer_id = hashed_contacts.customer_id
            and audiences.platform = hashed_contacts.platform

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
        has_contact,
        is_export_allowed,
        has_contact and is_export_allowed as is_member,
        as_of_date
    from matched

)

select * from final
