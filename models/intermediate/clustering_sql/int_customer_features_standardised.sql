-- The K-means features of every customer as z-scores, computed in SQL the
-- way segmentation.clustering.features.prepare_features does in Python, so
-- that the SQL K-means runs where Python models cannot (Spark).
{%- set settings = kmeans_sql_settings() %}
{%- set features = settings.features %}
{%- set names = features | map(attribute='name') | list %}
{%- set auto_names = features | selectattr('transform', 'equalto', 'auto')
    | map(attribute='name') | list %}
{%- set all_neutral = features | selectattr('sign', 'ne', 0) | list
    | length == 0 %}
{%- set sep = ',\n        ' %}
{%- set typed, raw_stats, skewness, imputed = [], [], [], [] %}
{%- set transformed, ranks, moments, standardised = [], [], [], [] %}
{%- for feature in features %}
    {%- set name = feature.name %}
    {%- do typed.append('cast(' ~ name ~ ' as double) as ' ~ name) %}
    {%- do raw_stats.append('median(' ~ name ~ ') as ' ~ name ~ '_median') %}
    {%- do raw_stats.append('avg(' ~ name ~ ') as ' ~ name ~ '_raw_mean') %}
    {%- do raw_stats.append('min(' ~ name ~ ') as ' ~ name ~ '_raw_min') %}
    {%- do raw_stats.append('max(' ~ name ~ ') as ' ~ name ~ '_raw_max') %}
    {%- do raw_stats.append('count(' ~ name ~ ') as ' ~ name ~ '_observed') %}
    {%- if name in auto_names %}
        {%- set centred = '(customers.' ~ name ~ ' - raw_stats.' ~ name
            ~ '_raw_mean)' %}
        {%- do skewness.append(
            'max(raw_stats.' ~ name ~ '_observed) > 2'
            ~ '\n        and max(raw_stats.' ~ name ~ '_raw_min)'
            ~ ' < max(raw_stats.' ~ name ~ '_raw_max)'
            ~ '\n        and max(raw_stats.' ~ name ~ '_raw_min) >= 0'
            ~ '\n        and avg(power(' ~ centred ~ ', 3))'
            ~ '\n        > ' ~ settings.skew_threshold
            ~ ' * power(avg(power(' ~ centred ~ ', 2)), 1.5)'
            ~ '\n        as ' ~ name ~ '_use_log1p') %}
    {%- endif %}
    {%- do imputed.append('coalesce(customers.' ~ name ~ ', raw_stats.'
        ~ name ~ '_median) as ' ~ name) %}
    {%- do transformed.append(kmeans_feature_transform(
        'imputed.' ~ name, feature.transform,
        'skewness.' ~ name ~ '_use_log1p') ~ ' as ' ~ name) %}
    {%- set sign = 1 if all_neutral else feature.sign %}
    {%- if sign != 0 %}
        {%- do ranks.append(('- ' if sign < 0 else '+ ')
            ~ 'rank() over (order by imputed.' ~ name ~ ')') %}
    {%- endif %}
    {%- do moments.append('avg(' ~ name ~ ') as ' ~ name ~ '_mean') %}
    {%- do moments.append('stddev_pop(' ~ name ~ ') as ' ~ name ~ '_std') %}
    {%- do standardised.append(
        'case\n            when transformed_stats.' ~ name ~ '_std'
        ~ '\n                > 1e-12 * greatest(1.0, abs(transformed_stats.'
        ~ name ~ '_mean))'
        ~ '\n                then (transformed.' ~ name
        ~ ' - transformed_stats.' ~ name ~ '_mean)'
        ~ '\n                / transformed_stats.' ~ name ~ '_std'
        ~ '\n            else 0.0\n        end as ' ~ name) %}
{%- endfor %}

with

customers as (

    select
        customer_id,
        {{ typed | join(sep) }}
    from {{ ref('int_customer_features') }}

),

raw_stats as (

    -- Missing values take the median of the observed values.
    select
        {{ raw_stats | join(sep) }}
    from customers

),
{%- if auto_names %}

skewness as (

    -- transform auto: log1p when the (biased, as scipy.stats.skew) sample
    -- skewness of the observed values exceeds clustering.skew_threshold and
    -- no value is negative.
    select
        {{ skewness | join(sep) }}
    from customers
    cross join raw_stats

),
{%- endif %}

imputed as (

    select
        customers.customer_id,
        {{ imputed | join(sep) }}
    from customers
    cross join raw_stats

),

transformed as (

    -- init_score: ranks of the raw values are exact integers on every
    -- engine, so the starting partition (int_cluster_centroids_initialised)
    -- is the same on DuckDB and Spark whatever the rounding of the z-scores.
    -- customer_index: the customer's row in the Python core's matrix
    -- (sorted by id), how the SQL K-means breaks ties between points.
    select
        imputed.customer_id,
        {{ transformed | join(sep) }},
        {{ ranks | join('\n        ') }} as init_score,
        row_number() over (order by imputed.customer_id) - 1 as customer_index
    from imputed
    {%- if auto_names %}
    cross join skewness
    {%- endif %}

),

transformed_stats as (

    -- Population standard deviation (ddof = 0), as StandardScaler.
    select
        {{ moments | join(sep) }}
    from transformed

),

standardised as (

    -- A constant (or entirely missing) feature becomes 0 for everyone: it
    -- adds nothing to any distance, which is what dropping it does in
    -- Python.
    select
        transformed.customer_id,
        transformed.customer_index,
        {{ standardised | join(sep) }},
        transformed.init_score
    from transformed
    cross join transformed_stats

)

select * from standardised
