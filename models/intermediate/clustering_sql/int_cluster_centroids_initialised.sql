-- The starting centroids of the SQL K-means: customers sorted by their
-- value score (init_score: the sum of their feature ranks, each signed so
-- that higher is better; customer_id breaks ties), cut into k groups of
-- equal size (NTILE), and each group's mean z-scores. Deterministic, the
-- same on every engine, and no two groups start on the same point.
{%- set settings = kmeans_sql_settings() %}
{%- set names = settings.features | map(attribute='name') | list %}
{%- set means = [] %}
{%- for name in names %}
    {%- do means.append('avg(' ~ name ~ ') as ' ~ name) %}
{%- endfor %}

with

features as (

    select * from {{ ref('int_customer_features_standardised') }}

),

grouped as (

    select
        {{ names | join(',\n        ') }},
        ntile({{ settings.k }}) over (
            order by init_score asc, customer_id asc
        ) - 1 as cluster_index
    from features

),

centroids as (

    select
        cluster_index,
        {{ means | join(',\n        ') }},
        count(*) as customers
    from grouped
    group by cluster_index

)

select * from centroids
