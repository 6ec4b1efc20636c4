-- One row per cluster of the chosen k: size and revenue with their shares,
-- mean and median of each raw feature, the centroid in z units, and the RFM
-- segment most of its customers are in. A feature the run dropped (constant
-- or entirely missing) has no centroid: its centroid_z_ column is null.
{%- set z_features = [
    'recency_days', 'frequency', 'monetary', 'average_order_value',
    'tenure_days'
] %}
{%- set centroid_columns = [] %}
{%- if execute %}
    {%- for column in adapter.get_columns_in_relation(
        ref('int_cluster_centroids')
    ) %}
        {%- do centroid_columns.append(column.name | lower) %}
    {%- endfor %}
{%- endif %}

with

profiles as (

    select * from {{ ref('int_cluster_profiles') }}

),

centroids as (

    select * from {{ ref('int_cluster_centroids') }}

),

clustered as (

    select * from {{ ref('int_customers_clustered') }}

),

customer_segments as (

    select * from {{ ref('customer_segments') }}

),

segment_mix as (

    select
        clustered.cluster_id,
        customer_segments.segment_name,
        count(*) as customers
    from clustered
    inner join customer_segments
        on clustered.customer_id = customer_segments.customer_id
    group by clustered.cluster_id, customer_segments.segment_name

),

segment_mix_ranked as (

    select
        cluster_id,
        segment_name,
        customers,
        customers * 1.0 / sum(customers) over (partition by cluster_id)
            as share_in_cluster,
        row_number() over (
            partition by cluster_id
            order by customers desc, segment_name asc
        ) as segment_rank
    from segment_mix

),

dominant_segment as (

    select
        cluster_id,
        segment_name,
        share_in_cluster
    from segment_mix_ranked
    where segment_rank = 1

),

final as (

    select
        cast(profiles.cluster_id as integer) as cluster_id,
        cast(profiles.cluster_name as varchar) as cluster_name,
        cast(centroids.naming_rule as varchar) as naming_rule,
        cast(profiles.customers as integer) as customers,
        cast(profiles.share as double) as customer_share,
        cast(profiles.n_outliers as integer) as outliers,
        cast(profiles.revenue as double) as revenue,
        cast(profiles.revenue_share as double) as revenue_share,
        cast(centroids.value_score as double) as value_score,
        cast(profiles.mean_recency_days as double) as mean_recency_days,
        cast(profiles.median_recency_days as double) as median_recency_days,
        cast(profiles.mean_frequency as double) as mean_frequency,
        cast(profiles.median_frequency as double) as median_frequency,
        cast(profiles.mean_monetary as double) as mean_monetary,
        cast(profiles.median_monetary as double) as median_monetary,
        cast(profiles.mean_average_order_value as double)
            as mean_average_order_value,
        cast(profiles.median_average_order_value as double)
            as median_average_order_value,
        cast(profiles.mean_tenure_days as double) as mean_tenure_days,
        cast(profiles.median_tenure_days as double) as median_tenure_days,
        {%- for feature in z_features %}
            {%- if 'centroid_z_' ~ feature in centroid_columns %}
                cast(centroids.centroid_z_{{ feature }} as double)
            {%- else %}
                cast(null as double)
            {%- endif %}
                as centroid_z_{{ feature }},
        {%- endfor %}
        cast(dominant_segment.segment_name as varchar)
            as dominant_rfm_segment,
        cast(dominant_segment.share_in_cluster as double)
            as dominant_rfm_segment_share
    from profiles
    inner join centroids
        on profiles.cluster_id = centroids.cluster_id
    left join dominant_segment
        on profiles.cluster_id = dominant_segment.cluster_id

)

select * from final
