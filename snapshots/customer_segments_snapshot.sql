{#
    The current segment and K-means cluster of every customer, kept as a
    type-2 history across builds: a new version when segment_name or
    cluster_name changes (check strategy; a change to or from null counts),
    and the open version closed when the customer is no longer scored.
    cluster_name is the stable label (cluster ids can be renumbered), and
    null when var clustering_enabled is false. dbt_valid_from, dbt_valid_to
    and dbt_updated_at are UTC: the profile sets DuckDB's TimeZone to UTC and
    dbt-duckdb takes now()::timestamp. Not built on Spark, whose snapshots
    need Delta or Hudi tables.
#}
{% snapshot customer_segments_snapshot %}

{{ config(
    unique_key='customer_id',
    strategy='check',
    check_cols=['segment_name', 'cluster_name'],
    hard_deletes='invalidate',
    enabled=target.type != 'spark',
) }}

select
    customer_id,
    segment_name,
    rfm_cell,
    cluster_name,
    segment_rank,
    cluster_id,
    as_of_date
from {{ ref('customer_segments') }}

{% endsnapshot %}
