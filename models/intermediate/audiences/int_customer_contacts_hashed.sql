-- One row per customer with a contact or a stated consent and per platform
-- of var audience_platforms: the email and phone normalised by that
-- platform's rules and hashed with SHA-256 (macros normalize_email,
-- normalize_phone, sha256_hex), and whether the consent rule lets the
-- customer into an audience. No raw contact data: the hashes only. One
-- select per platform, switched off by a `where false` when the var leaves
-- it out.
{%- set settings = settings() %}
{%- set code = settings.audience_phone_default_country_code %}
{%- set consent_rule = audience_consent_rule() %}
{%- set platforms = settings.audience_platforms %}
{%- if consent_rule == 'explicit_yes' %}
    {%- set allowed_sql = 'coalesce(has_marketing_consent, false)' %}
{%- else %}
    {%- set allowed_sql = 'true' %}
{%- endif %}

with

contacts as (

    select * from {{ ref('int_customer_contacts_latest') }}

),

hashed_contacts as (
    {%- for platform in ['google', 'meta'] %}
        {%- if not loop.first %}

            union all
        {%- endif %}

        select
            customer_id,
            '{{ platform }}' as platform,
            {{ sha256_hex(normalize_email('email', platform)) }}
                as hashed_email,
            {{ sha256_hex(normalize_phone('phone', platform, code)) }}
                as hashed_phone,
            has_marketing_consent
        from contacts
        where {{ (platform in platforms) | lower }}
    {%- endfor %}

),

final as (

    select
        customer_id,
        platform,
        hashed_email,
        hashed_phone,
        '{{ consent_rule }}' as consent_rule,
        has_marketing_consent,
        {{ allowed_sql }} as is_export_allowed
    from hashed_contacts

)

select * from final
