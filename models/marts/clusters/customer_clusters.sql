-- One row per scored customer: the K-means cluster of the chosen k, how far
-- the customer sits from its centroid and the next one (z units), whether it
-- is an outlier, and its sub-cluster when its cluster was split.
with

clustered as (

    select * from {{ ref('int_customers_clustered') }}

),

final as (

    select
        cast(customer_id as {{ dbt.type_string() }}) as customer_id,
        cast(cluster_id as integer) as cluster_id,
        cast(cluster_name as {{ dbt.type_string() }}) as cluster_name,
        cast(distance_to_centroid as double) as distance_to_centroid,
        cast(distance_to_next_centroid as double) as distance_to_next_centroid,
        cast(is_outlier as boolean) as is_outlier,
        cast(outlier_reason as {{ dbt.type_string() }}) as outlier_reason,
        cast(sub_cluster_id as integer) as sub_cluster_id,
        cast(sub_cluster_name as {{ dbt.type_string() }}) as sub_cluster_name
    from clustered

)

select * from final
