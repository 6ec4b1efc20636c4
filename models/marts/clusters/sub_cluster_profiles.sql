-- One row per sub-cluster of a cluster that was split for holding more than
-- clustering.max_cluster_share of the customers: its size within the cluster
-- and overall, its revenue, and its average customer. Empty when no cluster
-- was split.
with

clustered as (

    select * from {{ ref('int_customers_clustered') }}

),

customers as (

    select * from {{ ref('int_customer_features') }}

),

joined as (

    select
        clustered.cluster_id,
        clustered.cluster_name,
        clustered.sub_cluster_id,
        clustered.sub_cluster_name,
        customers.recency_days,
        customers.frequency,
        cast(customers.monetary as decimal(38, 4)) as monetary
    from clustered
    inner join customers
        on clustered.customer_id = customers.customer_id

),

totals as (

    select
        count(*) as customers,
        sum(monetary) as revenue
    from joined

),

per_sub_cluster as (

    select
        cluster_id,
        cluster_name,
        sub_cluster_id,
        sub_cluster_name,
        count(*) as customers,
        sum(monetary) as revenue,
        sum(frequency) as orders,
        avg(recency_days) as mean_recency_days,
        avg(frequency) as mean_frequency,
        avg(monetary) as mean_monetary
    from joined
    where sub_cluster_id is not null
    group by cluster_id, cluster_name, sub_cluster_id, sub_cluster_name

),

final as (

    select
        cast(per_sub_cluster.cluster_id as integer) as cluster_id,
        cast(per_sub_cluster.sub_cluster_id as integer) as sub_cluster_id,
        -- Typed here: with no cluster split, the Python model's column is
        -- all null and carries no type of its own.
        cast(per_sub_cluster.cluster_name as {{ dbt.type_string() }})
            as cluster_name,
        cast(per_sub_cluster.sub_cluster_name as {{ dbt.type_string() }})
            as sub_cluster_name,
        cast(per_sub_cluster.customers as bigint) as customers,
        per_sub_cluster.customers * 1.0 / sum(per_sub_cluster.customers) over (
            partition by per_sub_cluster.cluster_id
        ) as share_in_cluster,
        per_sub_cluster.customers * 1.0 / totals.customers as customer_share,
        cast(per_sub_cluster.revenue as double) as revenue,
        cast(per_sub_cluster.revenue / nullif(totals.revenue, 0) as double)
            as revenue_share,
        cast(per_sub_cluster.mean_recency_days as double) as mean_recency_days,
        cast(per_sub_cluster.mean_frequency as double) as mean_frequency,
        cast(per_sub_cluster.mean_monetary as double) as mean_monetary,
        cast(
            per_sub_cluster.revenue / nullif(per_sub_cluster.orders, 0)
            as double
        ) as mean_order_value
    from per_sub_cluster
    cross join totals

)

select * from final
