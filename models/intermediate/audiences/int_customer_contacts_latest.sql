-- Per customer, how to reach them: the email from the latest counted line
-- that has a usable email, the phone from the latest counted line that has
-- a usable phone, and the latest consent a counted line states (each found
-- on its own, so a line with only a phone does not erase the email).
-- "Counted" = the line is in int_order_lines_cleaned (purchases and returns
-- alike); "latest" = the latest ordered_at, then the highest order_line_id
-- (the later input, the later line). One row per customer with any of them.
-- Holds raw personal data: a view, so no table ever stores it, and read
-- only by int_customer_contacts_hashed.
{{ config(materialized='view') }}
{%- set code = settings().audience_phone_default_country_code %}

with

order_lines as (

    select * from {{ ref('stg_orders__order_lines') }}

),

cleaned_order_lines as (

    select * from {{ ref('int_order_lines_cleaned') }}

),

lines_with_contacts as (

    select
        order_line_id,
        email,
        phone,
        has_marketing_consent
    from order_lines
    where
        email is not null
        or phone is not null
        or has_marketing_consent is not null

),

counted_contact_lines as (

    select
        lines_with_contacts.order_line_id,
        cleaned_order_lines.customer_id,
        lines_with_contacts.email,
        lines_with_contacts.phone,
        lines_with_contacts.has_marketing_consent,
        cleaned_order_lines.ordered_at
    from lines_with_contacts
    inner join cleaned_order_lines
        on lines_with_contacts.order_line_id = cleaned_order_lines.order_line_id

),

-- Each value once per customer and time it was seen, with the last line
-- that shows it then: an order's lines usually repeat its contact, so the
-- rankings below sort orders, not lines.
email_sightings as (

    select
        customer_id,
        email,
        ordered_at,
        max(order_line_id) as order_line_id
    from counted_contact_lines
    where email is not null
    group by customer_id, email, ordered_at

),

phone_sightings as (

    select
        customer_id,
        phone,
        ordered_at,
        max(order_line_id) as order_line_id
    from counted_contact_lines
    where phone is not null
    group by customer_id, phone, ordered_at

),

consent_sightings as (

    select
        customer_id,
        has_marketing_consent,
        ordered_at,
        max(order_line_id) as order_line_id
    from counted_contact_lines
    where has_marketing_consent is not null
    group by customer_id, has_marketing_consent, ordered_at

),

-- A value is usable when a platform's normalisation accepts it: an
-- unusable one ("n/a", "000") does not hide an older usable one. Checked
-- once per distinct value, in an aggregate: as a plain filter the optimiser
-- would push the check down onto every sighting.
usable_emails as (

    select email
    from email_sightings
    group by email
    having max({{ normalize_email('email', 'google') }}) is not null

),

usable_phones as (

    select phone
    from phone_sightings
    group by phone
    having max({{ normalize_phone('phone', 'meta', code) }}) is not null

),

ranked_emails as (

    select
        email_sightings.customer_id,
        email_sightings.email,
        email_sightings.ordered_at as email_ordered_at,
        row_number() over (
            partition by email_sightings.customer_id
            order by
                email_sightings.ordered_at desc,
                email_sightings.order_line_id desc
        ) as recency_rank
    from email_sightings
    inner join usable_emails
        on email_sightings.email = usable_emails.email

),

ranked_phones as (

    select
        phone_sightings.customer_id,
        phone_sightings.phone,
        phone_sightings.ordered_at as phone_ordered_at,
        row_number() over (
            partition by phone_sightings.customer_id
            order by
                phone_sightings.ordered_at desc,
                phone_sightings.order_line_id desc
        ) as recency_rank
    from phone_sightings
    inner join usable_phones
        on phone_sightings.phone = usable_phones.phone

),

ranked_consents as (

    select
        customer_id,
        has_marketing_consent,
        ordered_at as consent_ordered_at,
        row_number() over (
            partition by customer_id
            order by ordered_at desc, order_line_id desc
        ) as recency_rank
    from consent_sightings

),

customers as (

    select customer_id from ranked_emails
    union
    select customer_id from ranked_phones
    union
    select customer_id from ranked_consents

),

final as (

    select
        customers.customer_id,
        ranked_emails.email,
        ranked_phones.phone,
        ranked_consents.has_marketing_consent,
        ranked_emails.email_ordered_at,
        ranked_phones.phone_ordered_at,
        ranked_consents.consent_ordered_at
    from customers
    left join ranked_emails
        on
            customers.customer_id = ranked_emails.customer_id
            and ranked_emails.recency_rank = 1
    left join ranked_phones
        on
            customers.customer_id = ranked_phones.customer_id
            and ranked_phones.recency_rank = 1
    left join ranked_consents
        on
            customers.customer_id = ranked_consents.customer_id
            and ranked_consents.recency_rank = 1

)

select * from final
