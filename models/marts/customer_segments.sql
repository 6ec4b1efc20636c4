-- One row per scored customer: RFM figures, scores and named segment as of
-- the as-of date, and the K-means cluster. The table dashboards and CRM syncs
-- read.
{%- if is_built('kmeans') and var('customer_features_input') is none %}
    {%- set clusters_sql = 'select * from ' ~ ref('int_customers_clustered') %}
{%- else %}
    {#- No K-means on these customers (clustering disabled, run on var
        customer_features_input, or not on this engine): the cluster columns
        stay empty. #}
    {%- set clusters_sql = 'select cast(null as ' ~ dbt.type_string()
        ~ ') as customer_id, cast(null as integer) as cluster_id,'
        ~ ' cast(null as ' ~ dbt.type_string() ~ ') as cluster_name'
        ~ ' where 1 = 0' %}
{%- endif %}

with

customers as (

    select * from {{ ref('int_customers_segmented') }}

),

clusters as (

    {{ clusters_sql }}

),

final as (

    select
        customers.customer_id,
        customers.segment_name,
        customers.rfm_cell,
        clusters.cluster_name,
        customers.segment_rank,
        customers.r_score,
        customers.f_score,
        customers.m_score,
        customers.fm_score,
        cast(clusters.cluster_id as integer) as cluster_id,
        customers.recency_days,
        customers.frequency,
        customers.repeat_frequency,
        customers.monetary,
        customers.gross_revenue,
        customers.returned_amount,
        customers.average_order_value,
        customers.tenure_days,
        customers.first_order_date,
        customers.last_order_date,
        customers.as_of_date
    from customers
    left join clusters
        on customers.customer_id = clusters.customer_id

)

select * from final
