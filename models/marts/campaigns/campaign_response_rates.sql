-- One row per RFM segment and per K-means cluster: customers, past campaign
-- responders among those whose response is known, the response rate and
-- its Wilson score interval (var campaign_interval_z; 95% by default).
-- Responses come from var clustering.response_column for clusters (the
-- Customer Personality example) or from var campaign_responses (a file or
-- table of customer id and 0/1 response, for segments and clusters); with
-- neither, the response columns are null.
{%- set string_type = dbt.type_string() %}
{%- set no_segments_sql = 'select cast(null as ' ~ string_type
    ~ ') as segment_name, cast(null as integer) as segment_rank,'
    ~ ' cast(null as integer) as customers where 1 = 0' %}
{%- set no_segment_customers_sql = 'select cast(null as ' ~ string_type
    ~ ') as customer_id, cast(null as ' ~ string_type
    ~ ') as segment_name where 1 = 0' %}
{%- set no_clusters_sql = 'select cast(null as integer) as cluster_id,'
    ~ ' cast(null as ' ~ string_type ~ ') as cluster_name,'
    ~ ' cast(null as ' ~ string_type ~ ') as naming_rule,'
    ~ ' cast(null as integer) as customers,'
    ~ ' cast(null as integer) as responders,'
    ~ ' cast(null as integer) as response_known where 1 = 0' %}
{%- set no_clustered_sql = 'select cast(null as ' ~ string_type
    ~ ') as customer_id, cast(null as integer) as cluster_id where 1 = 0' %}
{%- if var('customer_features_input') is none %}
    {#- RFM segments exist only for the RFM customers (the order lines). #}
    {%- set segments_sql = 'select segment_name, segment_rank, customers from '
        ~ ref('segment_summary') %}
    {%- set segment_customers_sql = 'select customer_id, segment_name from '
        ~ ref('customer_segments') %}
{%- else %}
    {%- set segments_sql = no_segments_sql %}
    {%- set segment_customers_sql = no_segment_customers_sql %}
{%- endif %}
{#- The K-means marts come from Python models, which dbt-spark cannot run. #}
{%- if var('clustering_enabled') and target.type != 'spark' %}
    {%- set clusters_sql = 'select cluster_id, cluster_name, naming_rule,'
        ~ ' customers, responders, response_known from '
        ~ ref('cluster_profiles') %}
    {%- set clustered_sql = 'select customer_id, cluster_id from '
        ~ ref('customer_clusters') %}
{%- else %}
    {%- set clusters_sql = no_clusters_sql %}
    {%- set clustered_sql = no_clustered_sql %}
{%- endif %}
{#- Where each kind of row takes its response counts from (SQL booleans). #}
{%- set cluster_response_column = var('clustering')['response_column'] %}
{%- set has_campaign_responses = var('campaign_responses') is not none %}
{%- set segments_use_responses = 'true' if has_campaign_responses
    else 'false' %}
{%- set clusters_use_profiles = 'true' if cluster_response_column is not none
    else 'false' %}
{%- set clusters_use_responses = 'true' if cluster_response_column is none
    and has_campaign_responses else 'false' %}

with

segments as (

    {{ segments_sql }}

),

segment_customers as (

    {{ segment_customers_sql }}

),

cluster_profiles as (

    {{ clusters_sql }}

),

customer_clusters as (

    {{ clustered_sql }}

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

segment_responses as (

    select
        segment_customers.segment_name,
        sum(responses.responded) as responders,
        count(responses.responded) as response_known
    from segment_customers
    inner join responses
        on segment_customers.customer_id = responses.customer_id
    group by segment_customers.segment_name

),

cluster_responses as (

    select
        customer_clusters.cluster_id,
        sum(responses.responded) as responders,
        count(responses.responded) as response_known
    from customer_clusters
    inner join responses
        on customer_clusters.customer_id = responses.customer_id
    group by customer_clusters.cluster_id

),

segment_rows as (

    select
        'rfm_segment' as segment_type,
        segments.segment_name,
        segments.segment_name as segment_rule_name,
        case
            when {{ segments_use_responses }} then 'var campaign_responses'
        end as response_source,
        cast(null as integer) as cluster_id,
        segments.segment_rank,
        segments.customers,
        case
            when {{ segments_use_responses }}
                then coalesce(segment_responses.responders, 0)
        end as responders,
        case
            when {{ segments_use_responses }}
                then coalesce(segment_responses.response_known, 0)
        end as response_known
    from segments
    left join segment_responses
        on segments.segment_name = segment_responses.segment_name

),

cluster_rows as (

    select
        'cluster' as segment_type,
        cluster_profiles.cluster_name as segment_name,
        coalesce(cluster_profiles.naming_rule, cluster_profiles.cluster_name)
            as segment_rule_name,
        case
            when {{ clusters_use_profiles }}
                then 'var clustering.response_column'
            when {{ clusters_use_responses }} then 'var campaign_responses'
        end as response_source,
        cluster_profiles.cluster_id,
        cluster_profiles.cluster_id as segment_rank,
        cluster_profiles.customers,
        case
            when {{ clusters_use_profiles }} then cluster_profiles.responders
            when {{ clusters_use_responses }}
                then coalesce(cluster_responses.responders, 0)
        end as responders,
        case
            when {{ clusters_use_profiles }}
                then cluster_profiles.response_known
            when {{ clusters_use_responses }}
                then coalesce(cluster_responses.response_known, 0)
        end as response_known
    from cluster_profiles
    left join cluster_responses
        on cluster_profiles.cluster_id = cluster_responses.cluster_id

),

all_rows as (

    select * from segment_rows
    union all
    select * from cluster_rows

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
    from all_rows

)

select * from final
