-- One row per cluster of the chosen k: size and revenue with their shares,
-- the campaign response rate (null without var clustering.response_column),
-- the persona, strategy and KPIs of its name (seed cluster_playbook), and
-- the RFM segment most of its customers are in (int_segment_assignments)
-- when the clustered customers are the RFM ones. The per-feature means,
-- medians and centroids are in cluster_feature_profiles, so this table
-- keeps its columns whatever features var clustering lists.
{%- set naming_rule_set = settings().clustering['naming_rule_set'] %}

with

kmeans_results as (

    select * from {{ ref('int_kmeans_results') }}

),

cluster_playbook as (

    select * from {{ ref('cluster_playbook') }}

),

assignments as (

    select * from {{ ref('int_segment_assignments') }}

),

profiles as (

    select cluster.*
    from kmeans_results
    where kmeans_results.part = 'cluster'

),

playbook as (

    select
        cluster_name as naming_rule,
        persona,
        strategy,
        kpis
    from cluster_playbook
    where rule_set = '{{ naming_rule_set }}'

),

segment_mix as (

    -- None when the clustered customers are not the RFM ones (var
    -- customer_features_input).
    select
        clusters.cluster_id,
        rfm_segments.segment_name,
        count(*) as customers
    from assignments as clusters
    inner join assignments as rfm_segments
        on clusters.customer_id = rfm_segments.customer_id
    where
        clusters.segment_type = 'cluster'
        and rfm_segments.segment_type = 'rfm_segment'
    group by clusters.cluster_id, rfm_segments.segment_name

),

segment_mix_ranked as (

    select
        cluster_id,
        segment_name,
        customers,
        customers * 1.0 / sum(customers) over (partition by cluster_id)
            as share_in_cluster,
        row_number() over (
            partition by cluster_id
            order by customers desc, segment_name asc
        ) as segment_rank
    from segment_mix

),

dominant_segment as (

    select
        cluster_id,
        segment_name,
        share_in_cluster
    from segment_mix_ranked
    where segment_rank = 1

),

final as (

    select
        cast(profiles.cluster_id as integer) as cluster_id,
        cast(profiles.cluster_name as {{ dbt.type_string() }}) as cluster_name,
        cast(profiles.naming_rule as {{ dbt.type_string() }}) as naming_rule,
        cast(profiles.customers as integer) as customers,
        cast(profiles.share as double) as customer_share,
        cast(profiles.n_outliers as integer) as outliers,
        cast(profiles.revenue as double) as revenue,
        cast(profiles.revenue_share as double) as revenue_share,
        cast(profiles.value_score as double) as value_score,
        cast(profiles.responders as integer) as responders,
        cast(profiles.response_known as integer)
            as response_known,
        cast(profiles.response_rate as double)
            as response_rate,
        cast(dominant_segment.segment_name as {{ dbt.type_string() }})
            as dominant_rfm_segment,
        cast(dominant_segment.share_in_cluster as double)
            as dominant_rfm_segment_share,
        cast(playbook.persona as {{ dbt.type_string() }}) as persona,
        cast(playbook.strategy as {{ dbt.type_string() }}) as strategy,
        cast(playbook.kpis as {{ dbt.type_string() }}) as kpis
    from profiles
    left join dominant_segment
        on profiles.cluster_id = dominant_segment.cluster_id
    left join playbook
        on profiles.naming_rule = playbook.naming_rule

)

select * from final
