-- One row per k clustered side by side (var clustering.compare_k): the
-- sizes of its clusters, and the fit quality of that k from the model
-- selection.
with

kmeans_results as (

    select * from {{ ref('int_kmeans_results') }}

),

cluster_sizes as (

    select comparison.*
    from kmeans_results
    where kmeans_results.part = 'comparison'

),

model_selection as (

    select model_selection.*
    from kmeans_results
    where kmeans_results.part = 'model_selection'

),

per_k as (

    select
        cluster_sizes.k,
        count(*) as clusters,
        sum(cluster_sizes.customers) as customers,
        min(cluster_sizes.customers) as min_cluster_customers,
        max(cluster_sizes.customers) as max_cluster_customers
    from cluster_sizes
    -- Clusters that received customers, as the assignments would count them.
    where cluster_sizes.customers > 0
    group by cluster_sizes.k

),

final as (

    select
        cast(per_k.k as integer) as k,
        cast(per_k.clusters as integer) as clusters,
        cast(per_k.customers as integer) as customers,
        cast(per_k.min_cluster_customers as integer) as min_cluster_customers,
        cast(per_k.max_cluster_customers as integer) as max_cluster_customers,
        per_k.min_cluster_customers * 1.0 / per_k.customers
            as min_cluster_share,
        per_k.max_cluster_customers * 1.0 / per_k.customers
            as max_cluster_share,
        cast(model_selection.silhouette as double) as silhouette,
        cast(model_selection.davies_bouldin as double) as davies_bouldin,
        cast(model_selection.calinski_harabasz as double)
            as calinski_harabasz,
        cast(model_selection.stability_ari as double) as stability_ari,
        cast(model_selection.inertia as double) as inertia,
        coalesce(model_selection.is_chosen, false) as is_chosen
    from per_k
    left join model_selection
        on per_k.k = model_selection.k

)

select * from final
