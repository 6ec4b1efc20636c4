{#-
    Two CTEs for the gates on cluster sizes: cluster_sizes (cluster_id,
    customers and, with `sub_cluster_column`, customers_in_sub_clusters:
    those placed in a sub-cluster) from a table with one row per customer
    and its cluster in `column_name`; totals (all customers).
#}
{% macro cluster_sizes(model, column_name, sub_cluster_column=none) %}
cluster_sizes as (

    select
        {{ column_name }} as cluster_id,
        {%- if sub_cluster_column %}
        count({{ sub_cluster_column }}) as customers_in_sub_clusters,
        {%- endif %}
        count(*) as customers
    from {{ model }}
    group by {{ column_name }}

),

totals as (

    select sum(customers) as customers from cluster_sizes

)
{%- endmacro %}
