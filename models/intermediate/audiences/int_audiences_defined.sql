-- One row per audience: each platform of var audience_platforms times each
-- RFM segment of var audience_segments (null = every segment of seed
-- segment_definitions, empty ones too, so an audience that empties still
-- gets its removals exported) and, with var audience_clusters, each K-means
-- cluster of this build. Named audience_<platform>_<segment> and
-- audience_<platform>_cluster_<cluster>, which is also the export file name.
-- Stops the build when var audience_segments names an unknown segment.
{%- set settings = audience_settings() %}
{%- set segments = settings['segments'] %}
{%- if segments is none %}
    {%- set requested_sql = 'select segment_name from segment_definitions' %}
{%- else %}
    {%- set rows = [] %}
    {%- for name in segments %}
        {%- do rows.append("('" ~ (name | string | replace("'", "''")) ~ "')") %}
    {%- endfor %}
    {%- set requested_sql = 'select * from (values ' ~ rows | join(', ')
        ~ ') as requested (segment_name)' %}
{%- endif %}
{%- set platforms = settings['platforms'] %}
{%- set google_sql = 'true' if 'google' in platforms else 'false' %}
{%- set meta_sql = 'true' if 'meta' in platforms else 'false' %}

with

segment_definitions as (

    select * from {{ ref('segment_definitions') }}

),

customer_segments as (

    select * from {{ ref('customer_segments') }}

),

platforms as (

    select 'google' as platform
    where {{ google_sql }}
    union all
    select 'meta' as platform
    where {{ meta_sql }}

),

requested_segments as (

    {{ requested_sql }}

),

checked_segments as (

    select
        requested_segments.segment_name,
        segment_definitions.segment_rank
    from requested_segments
    left join segment_definitions
        on requested_segments.segment_name = segment_definitions.segment_name
    -- In the filter, so that the check cannot be optimised away.
    where
        {{ raise_error_if(
            'segment_definitions.segment_name is null',
            "'var audience_segments has ''' || requested_segments.segment_name"
            ~ " || ''', which is not a segment of seed segment_definitions.'"
        ) }} is null

),

clusters as (

    -- The clusters of this build (none without K-means).
    select distinct
        cluster_name,
        cluster_id
    from customer_segments
    where
        cluster_name is not null
        and {{ 'true' if settings['clusters'] else 'false' }}

),

segments as (

    select
        'rfm_segment' as segment_type,
        segment_name,
        segment_rank,
        '' as name_prefix
    from checked_segments
    union all
    select
        'cluster' as segment_type,
        cluster_name as segment_name,
        cluster_id as segment_rank,
        'cluster_' as name_prefix
    from clusters

),

final as (

    select
        'audience_' || platforms.platform || '_' || segments.name_prefix
        || {{ audience_slug('segments.segment_name') }} as audience_name,
        platforms.platform,
        segments.segment_type,
        segments.segment_name,
        '{{ audience_consent_rule() }}' as consent_rule,
        cast(segments.segment_rank as integer) as segment_rank
    from platforms
    cross join segments

)

select * from final
