-- One row per customer and segmentation: the segment each segmentation of
-- this build (macro segmentations) puts the customer in, with what the
-- campaign, budget, audience and mix marts read. segment_type names the
-- segmentation: rfm_segment, cluster or value_tier. A new segmentation
-- joins those marts by adding its rows here.
{%- set built = segmentations() %}
{%- set response_column = settings().clustering['response_column'] %}
{%- if built | length == 0 %}
    {{ exceptions.raise_compiler_error(
        "int_segment_assignments: no segmentation to assign customers to. "
        ~ "var customer_features_input leaves out the RFM segments and "
        ~ "value tiers, and var clustering_enabled is false (or the engine "
        ~ "runs no Python models): turn one of them on."
    ) }}
{%- endif %}

with
{%- if 'rfm_segment' in built or 'value_tier' in built %}

rfm_customers as (

    select * from {{ ref('int_customers_segmented') }}

),
{%- endif %}
{%- if 'cluster' in built %}

clustered as (

    select * from {{ ref('int_customers_clustered') }}

),

kmeans_results as (

    select * from {{ ref('int_kmeans_results') }}

),

clustered_features as (

    select * from {{ ref('int_customer_features') }}

),
{%- endif %}
{%- if 'value_tier' in built %}

value_scored as (

    select * from {{ ref('int_customers_value_scored') }}

),
{%- endif %}
{%- if 'rfm_segment' in built %}

rfm_segment_rows as (

    select
        'rfm_segment' as segment_type,
        segment_name,
        customer_id,
        segment_name as segment_rule_name,
        cast(null as {{ dbt.type_string() }}) as response_source,
        cast(null as integer) as cluster_id,
        segment_rank,
        monetary,
        cast(null as integer) as response
    from rfm_customers
    where segment_name is not null

),
{%- endif %}
{%- if 'cluster' in built %}

cluster_rules as (

    select
        cluster.cluster_id,
        cluster.naming_rule
    from kmeans_results
    where kmeans_results.part = 'cluster'

),

cluster_rows as (

    -- A cluster's playbook row is its naming rule's ("Champions 2" uses
    -- "Champions"); its own response column, when var clustering names one.
    select
        'cluster' as segment_type,
        clustered.cluster_name as segment_name,
        clustered.customer_id,
        coalesce(cluster_rules.naming_rule, clustered.cluster_name)
            as segment_rule_name,
        {%- if response_column is none %}
        cast(null as {{ dbt.type_string() }}) as response_source,
        {%- else %}
        'var clustering.response_column' as response_source,
        {%- endif %}
        clustered.cluster_id,
        clustered.cluster_id as segment_rank,
        clustered_features.monetary,
        {%- if response_column is none %}
        cast(null as integer) as response
        {%- else %}
        cast(clustered_features.{{ response_column }} as integer) as response
        {%- endif %}
    from clustered
    inner join clustered_features
        on clustered.customer_id = clustered_features.customer_id
    left join cluster_rules
        on clustered.cluster_id = cluster_rules.cluster_id

),
{%- endif %}
{%- if 'value_tier' in built %}

value_tier_rows as (

    select
        'value_tier' as segment_type,
        value_scored.value_tier as segment_name,
        value_scored.customer_id,
        value_scored.value_tier as segment_rule_name,
        cast(null as {{ dbt.type_string() }}) as response_source,
        cast(null as integer) as cluster_id,
        value_scored.value_tier_rank as segment_rank,
        rfm_customers.monetary,
        cast(null as integer) as response
    from value_scored
    inner join rfm_customers
        on value_scored.customer_id = rfm_customers.customer_id
    where value_scored.value_tier is not null

),
{%- endif %}

assignments as (
    {%- for segment_type in built %}

    select * from {{ segment_type }}_rows
    {%- if not loop.last %}

    union all
    {%- endif %}
    {%- endfor %}

),

final as (

    select
        cast(segment_type as {{ dbt.type_string() }}) as segment_type,
        cast(segment_name as {{ dbt.type_string() }}) as segment_name,
        cast(customer_id as {{ dbt.type_string() }}) as customer_id,
        cast(segment_rule_name as {{ dbt.type_string() }})
            as segment_rule_name,
        cast(response_source as {{ dbt.type_string() }}) as response_source,
        cast(cluster_id as integer) as cluster_id,
        cast(segment_rank as integer) as segment_rank,
        monetary,
        cast(response as integer) as response
    from assignments

)

select * from final
