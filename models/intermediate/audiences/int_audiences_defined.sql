-- One row per audience: each platform of var audience_platforms times each
-- segment of int_segments_listed, RFM segments as var audience_segments
-- says (null = every segment of seed segment_definitions, empty ones too,
-- so an audience that empties still gets its removals exported), K-means
-- clusters with var audience_clusters, the segments of every other
-- segmentation always. Named audience_<platform>_<segment> for RFM segments
-- and audience_<platform>_<segmentation>_<segment> for the others
-- (audience_meta_cluster_vip_regulars, audience_google_value_tier_top_value),
-- which is also the export file name. Stops the build when var
-- audience_segments names an unknown segment.
{%- set settings = settings() %}
{%- set requested = settings.audience_segments %}
{%- set platforms = settings.audience_platforms %}
{%- set rfm_segments_wanted = 'true' if requested is none else
    'segment_name in (select segment_name from checked_segments)' %}
{%- set clusters_wanted = 'true' if settings.audience_clusters else 'false' %}

with

segments as (

    select * from {{ ref('int_segments_listed') }}

),
{%- if requested is not none %}

segment_definitions as (

    select * from {{ ref('segment_definitions') }}

),

requested_segments as (

    select * from (
        values
        {%- for name in requested %}
        ('{{ name | string | replace("'", "''") }}')
        {%- if not loop.last %},{% endif %}
        {%- endfor %}
    ) as requested (segment_name)

),

checked_segments as (

    select requested_segments.segment_name
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
{%- endif %}

platforms as (

    select 'google' as platform
    where {{ 'true' if 'google' in platforms else 'false' }}
    union all
    select 'meta' as platform
    where {{ 'true' if 'meta' in platforms else 'false' }}

),

chosen_segments as (

    select *
    from segments
    where
        segment_type not in ('rfm_segment', 'cluster')
        or (segment_type = 'rfm_segment' and {{ rfm_segments_wanted }})
        or (segment_type = 'cluster' and {{ clusters_wanted }})

),

final as (

    select
        'audience_' || platforms.platform || '_'
        || case
            when chosen_segments.segment_type = 'rfm_segment' then ''
            else chosen_segments.segment_type || '_'
        end
        || {{ audience_slug('chosen_segments.segment_name') }} as audience_name,
        platforms.platform,
        chosen_segments.segment_type,
        chosen_segments.segment_name,
        '{{ audience_consent_rule() }}' as consent_rule,
        cast(chosen_segments.segment_rank as integer) as segment_rank
    from platforms
    cross join chosen_segments

)

select * from final
