-- One row per cluster of the chosen k and feature of var clustering: the
-- mean and median of the raw values, and the centroid in raw and z units.
-- Long, so dashboards and the contract do not change when the feature list
-- does (the Customer Personality example has 15 features, RFM has 5).
with

kmeans_results as (

    select * from {{ ref('int_kmeans_results') }}

),

feature_profiles as (

    select cluster_feature.*
    from kmeans_results
    where kmeans_results.part = 'cluster_feature'

),

final as (

    select
        cast(cluster_id as integer) as cluster_id,
        cast(cluster_name as {{ dbt.type_string() }}) as cluster_name,
        cast(feature_position as integer) as feature_position,
        cast(feature as {{ dbt.type_string() }}) as feature,
        cast(role as {{ dbt.type_string() }}) as feature_role,
        cast(direction as {{ dbt.type_string() }}) as feature_direction,
        cast(transform as {{ dbt.type_string() }}) as feature_transform,
        cast(kept as boolean) as is_clustered_on,
        cast(drop_reason as {{ dbt.type_string() }}) as drop_reason,
        cast(nullif(mean, cast('NaN' as double)) as double) as mean_value,
        cast(nullif(median, cast('NaN' as double)) as double) as median_value,
        cast(nullif(centroid, cast('NaN' as double)) as double)
            as centroid_value,
        cast(nullif(centroid_z, cast('NaN' as double)) as double) as centroid_z
    from feature_profiles

)

select * from final
