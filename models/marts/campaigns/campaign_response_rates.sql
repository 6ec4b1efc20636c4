-- One row per segment of each segmentation (int_segments_listed: RFM
-- segments, K-means clusters, value tiers): customers, past campaign
-- responders among those whose response is known, the response rate and
-- its Wilson score interval (var campaign_interval_z; 95% by default).
-- Responses come from the segmentation's own data where it has them (var
-- clustering.response_column for clusters, the Customer Personality
-- example), else from var campaign_responses (a file or table of customer
-- id and 0/1 response); with neither, the response columns are null.
{%- set has_campaign_responses = var('campaign_responses') is not none %}

with

segments as (

    select * from {{ ref('int_segments_listed') }}

),

assignments as (

    select * from {{ ref('int_segment_assignments') }}

),

responses as (

    -- A customer listed more than once counts once, as a responder if any
    -- row says 1.
    select
        customer_id,
        max(responded) as responded
    from {{ ref('stg_campaigns__responses') }}
    where customer_id is not null
    group by customer_id

),

customer_responses as (

    select
        assignments.segment_type,
        assignments.segment_name,
        case
            when assignments.response_source is not null
                then assignments.response
            else responses.responded
        end as responded
    from assignments
    left join responses
        on assignments.customer_id = responses.customer_id

),

segment_responses as (

    select
        segment_type,
        segment_name,
        sum(responded) as responders,
        count(responded) as response_known
    from customer_responses
    group by segment_type, segment_name

),

sourced as (

    select
        segments.*,
        coalesce(
            segments.response_source,
            {{ "'var campaign_responses'" if has_campaign_responses
                else 'cast(null as ' ~ dbt.type_string() ~ ')' }}
        ) as known_from,
        segment_responses.responders,
        segment_responses.response_known
    from segments
    left join segment_responses
        on
            segments.segment_type = segment_responses.segment_type
            and segments.segment_name = segment_responses.segment_name

),

counted as (

    select
        segment_type,
        segment_name,
        segment_rule_name,
        known_from as response_source,
        cluster_id,
        segment_rank,
        customers,
        case
            when known_from is not null then coalesce(responders, 0)
        end as responders,
        case
            when known_from is not null then coalesce(response_known, 0)
        end as response_known
    from sourced

),

final as (

    select
        cast(segment_type as {{ dbt.type_string() }}) as segment_type,
        cast(segment_name as {{ dbt.type_string() }}) as segment_name,
        cast(segment_rule_name as {{ dbt.type_string() }}) as segment_rule_name,
        cast(response_source as {{ dbt.type_string() }}) as response_source,
        cast(cluster_id as integer) as cluster_id,
        cast(segment_rank as integer) as segment_rank,
        cast(customers as integer) as customers,
        cast(responders as integer) as responders,
        cast(response_known as integer) as response_known,
        cast(responders as double) / nullif(response_known, 0)
            as response_rate,
        {{ wilson_interval_bound('responders', 'response_known', 'lower') }}
            as response_rate_lower,
        {{ wilson_interval_bound('responders', 'response_known', 'upper') }}
            as response_rate_upper
    from counted

)

select * from final
