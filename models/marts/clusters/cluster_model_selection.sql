-- One row per k evaluated (var clustering.k_range): how well K-means fits
-- with that many clusters, how stable it is, whether it meets every quality
-- threshold, and which k was chosen and why.
with

kmeans_results as (

    select * from {{ ref('int_kmeans_results') }}

),

model_selection as (

    select model_selection.*
    from kmeans_results
    where kmeans_results.part = 'model_selection'

),

final as (

    select
        cast(k as integer) as k,
        cast(is_chosen as boolean) as is_chosen,
        cast(chosen_k_reason as {{ dbt.type_string() }}) as chosen_k_reason,
        cast(silhouette as double) as silhouette,
        cast(silhouette_method as {{ dbt.type_string() }}) as silhouette_method,
        cast(silhouette_sample_size as integer) as silhouette_sample_size,
        cast(davies_bouldin as double) as davies_bouldin,
        cast(calinski_harabasz as double) as calinski_harabasz,
        cast(stability_ari as double) as stability_ari,
        cast(stability_resamples as integer) as stability_resamples,
        cast(inertia as double) as inertia,
        cast(min_cluster_share as double) as min_cluster_share,
        cast(max_cluster_share as double) as max_cluster_share,
        cast(n_iter as integer) as n_iter,
        cast(converged as boolean) as converged,
        cast(min_cluster_customers as integer) as min_cluster_customers,
        cast(min_centroid_distance as double) as min_centroid_distance,
        cast(passes_gates as boolean) as passes_gates,
        cast(gate_failures as {{ dbt.type_string() }}) as gate_failures
    from model_selection

)

select * from final
