{#
    on-run-start hook: caps DuckDB's own worker threads at env var
    SEGMENTATION_DUCKDB_THREADS when it is set (the tests use it to prove
    that results do not depend on parallelism); otherwise DuckDB uses every
    core.
#}
{% macro set_duckdb_threads() %}
    {%- set threads = env_var('SEGMENTATION_DUCKDB_THREADS', '') -%}
    {%- if threads and target.type == 'duckdb' -%}
        set threads = {{ threads | int }}
    {%- else -%}
        select 1 as no_thread_limit
    {%- endif -%}
{% endmacro %}
