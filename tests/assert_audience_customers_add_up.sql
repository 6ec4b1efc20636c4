-- Every customer of an audience's segment is either exported or left out
-- for one reason, and the audience summary agrees with audience_members and
-- with customer_segments (and, for value tiers, customer_value_predictions),
-- which do not read the assignments the audiences are built from. Fails
-- with each audience whose figures differ.
{%- set with_value_tiers = 'value_tier' in segmentations() %}
-- The value tiers' CTEs are there only when the build has them: their
-- Jinja block adds no indent.
-- sqlfluff:indentation:template_blocks_indent:false

with

audience_summary as (

    select * from {{ ref('audience_summary') }}

),

audience_members as (

    select * from {{ ref('audience_members') }}

),

customer_segments as (

    select * from {{ ref('customer_segments') }}

),

members_per_audience as (

    select
        audience_name,
        count(*) as members
    from audience_members
    group by audience_name

),

{%- if with_value_tiers %}

value_tiers as (

    select * from {{ ref('value_tiers') }}

),

customer_value_predictions as (

    select * from {{ ref('customer_value_predictions') }}

),
{%- endif %}

customers_per_segment as (

    select
        'rfm_segment' as segment_type,
        segment_name,
        count(*) as customers
    from customer_segments
    group by segment_name
    union all
    select
        'cluster' as segment_type,
        cluster_name as segment_name,
        count(*) as customers
    from customer_segments
    where cluster_name is not null
    group by cluster_name
    {%- if with_value_tiers %}
    union all
    select
        'value_tier' as segment_type,
        value_tiers.tier_name as segment_name,
        count(*) as customers
    from customer_value_predictions
    inner join value_tiers
        on
            customer_value_predictions.value_decile
            between value_tiers.min_value_decile
            and value_tiers.max_value_decile
    group by value_tiers.tier_name
    {%- endif %}

),

validation_errors as (

    select
        audience_summary.audience_name,
        audience_summary.customers,
        audience_summary.members,
        audience_summary.customers_without_contact,
        audience_summary.customers_without_consent,
        coalesce(members_per_audience.members, 0) as members_in_table,
        coalesce(customers_per_segment.customers, 0) as segment_customers
    from audience_summary
    left join members_per_audience
        on audience_summary.audience_name = members_per_audience.audience_name
    left join customers_per_segment
        on
            audience_summary.segment_type = customers_per_segment.segment_type
            and audience_summary.segment_name
            = customers_per_segment.segment_name
    where
        audience_summary.customers
        != audience_summary.members
        + audience_summary.customers_without_contact
        + audience_summary.customers_without_consent
        or audience_summary.members
        != coalesce(members_per_audience.members, 0)
        or audience_summary.customers
        != coalesce(customers_per_segment.customers, 0)

)

select * from validation_errors
