-- How the RFM segments spread inside each K-means cluster: one row per
-- cluster and RFM segment present in it, with the customers and their share
-- of the cluster. Shows where the two segmentations agree and where a
-- cluster cuts across RFM segments. Not built when the clustered customers
-- are not the RFM ones (var customer_features_input).
{{ config(enabled=is_built('kmeans')
    and var('customer_features_input') is none) }}

with

assignments as (

    select * from {{ ref('int_segment_assignments') }}

),

clusters as (

    select
        customer_id,
        cluster_id,
        segment_name as cluster_name
    from assignments
    where segment_type = 'cluster'

),

rfm_segments as (

    select
        customer_id,
        segment_name,
        monetary
    from assignments
    where segment_type = 'rfm_segment'

),

per_cluster_segment as (

    select
        clusters.cluster_id,
        clusters.cluster_name,
        rfm_segments.segment_name,
        count(*) as customers,
        -- Decimal sums: float sums depend on the order threads add them in.
        cast(sum(cast(rfm_segments.monetary as decimal(38, 4))) as double)
            as revenue
    from clusters
    inner join rfm_segments
        on clusters.customer_id = rfm_segments.customer_id
    group by
        clusters.cluster_id,
        clusters.cluster_name,
        rfm_segments.segment_name

),

final as (

    select
        cast(cluster_id as integer) as cluster_id,
        cluster_name,
        segment_name,
        cast(customers as bigint) as customers,
        customers * 1.0
        / sum(customers) over (partition by cluster_id) as share_in_cluster,
        revenue
    from per_cluster_segment

)

select * from final
