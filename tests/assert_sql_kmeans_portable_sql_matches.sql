-- The SQL K-means written for every engine (the default__ variants Spark
-- runs, with a window for the farthest points) gives the centroids of
-- cluster_centroids_sql, which on DuckDB uses arg_max: returns the
-- centroids that differ by more than 1e-9 relative.

with

built as (

    select * from {{ ref('cluster_centroids_sql') }}

),

portable as (

    {{ sql_kmeans_centroids(portable=true) }}

),

validation_errors as (

    select
        built.cluster_index,
        built.feature_name,
        built.centroid_z,
        portable.centroid_z as portable_centroid_z
    from built
    full outer join portable
        on
            built.cluster_index = portable.cluster_index
            and built.feature_name = portable.feature_name
    where
        built.centroid_z is null
        or portable.centroid_z is null
        or abs(built.centroid_z - portable.centroid_z)
        > 1e-9 * greatest(abs(built.centroid_z), 1e-300)
        or coalesce(built.converged_iteration, -1)
        != coalesce(portable.converged_iteration, -1)

)

select * from validation_errors
