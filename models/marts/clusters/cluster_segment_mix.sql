-- How the RFM segments spread inside each K-means cluster: one row per
-- cluster and RFM segment present in it, with the customers and their share
-- of the cluster. Shows where the two segmentations agree and where a
-- cluster cuts across RFM segments.
with

clustered as (

    select * from {{ ref('int_customers_clustered') }}

),

customers as (

    select * from {{ ref('int_customers_segmented') }}

),

per_cluster_segment as (

    select
        clustered.cluster_id,
        clustered.cluster_name,
        customers.segment_name,
        count(*) as customers,
        -- Decimal sums: float sums depend on the order threads add them in.
        cast(sum(cast(customers.monetary as decimal(38, 4))) as double)
            as revenue
    from clustered
    inner join customers
        on clustered.customer_id = customers.customer_id
    group by
        clustered.cluster_id,
        clustered.cluster_name,
        customers.segment_name

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
