-- The SQL K-means starts from var sql_kmeans_k centroids, each from at
-- least one customer: with fewer customers than k, NTILE makes fewer
-- groups and the Lloyd rounds would compare against missing centroids.
-- Returns a row saying how many centroids there are when that is not k.
{%- set k = kmeans_sql_settings().k %}

with

centroids as (

    select * from {{ ref('int_cluster_centroids_initialised') }}

),

counted as (

    select
        count(*) as centroids,
        min(customers) as fewest_customers
    from centroids

),

validation_errors as (

    select
        centroids,
        fewest_customers,
        {{ k }} as expected_centroids
    from counted
    where centroids != {{ k }} or fewest_customers < 1

)

select * from validation_errors
