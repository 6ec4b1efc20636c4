-- One row per customer: the cluster of the chosen k, the customer part of
-- the K-means run.
with

kmeans_results as (

    select * from {{ ref('int_kmeans_results') }}

),

customer_rows as (

    select customer.*
    from kmeans_results
    where kmeans_results.part = 'customer'

),

final as (

    select
        customer_id,
        cluster_id,
        cluster_name,
        distance_to_centroid,
        distance_to_next_centroid,
        is_outlier,
        outlier_reason,
        sub_cluster_id,
        sub_cluster_name,
        imputed_features
    from customer_rows

)

select * from final
