{#
    While the build runs, prints how many as-of dates the segment history
    computes, the first and the last (on a refresh, how many of them it
    recomputes): its cost grows with dates x customers, so a long build
    says what it is doing. Silent at parse and compile time
    (dbt compile, docs generate), in unit tests and when the dates table is
    not built yet.
#}
{% macro log_history_dates(dates_relation) %}
    {#- A unit test hands in its fixture, which has no database. -#}
    {%- if execute and flags.WHICH in ('run', 'build')
        and dates_relation.database is not none -%}
        {%- set found = adapter.get_relation(
            database=dates_relation.database,
            schema=dates_relation.schema,
            identifier=dates_relation.identifier
        ) -%}
        {%- if found is not none -%}
            {%- set result = run_query(
                "select count(*), min(as_of_date), max(as_of_date) from "
                ~ dates_relation
            ) -%}
            {%- set row = result.rows[0] -%}
            {%- if is_incremental() -%}
                {#- A refresh computes only the dates new lines can change. -#}
                {%- set computed = run_query(
                    "select count(*), min(as_of_date), max(as_of_date) from ("
                    ~ refreshed_as_of_dates() ~ ")"
                ).rows[0] -%}
                {{ log("segment history: refresh: computing " ~ computed[0]
                    ~ " of " ~ row[0] ~ " as-of dates"
                    ~ (", " ~ computed[1] ~ " to " ~ computed[2]
                        if computed[0] else "")
                    ~ "; the others are kept from the stored build", info=True) }}
            {%- else -%}
                {{ log("segment history: computing " ~ row[0] ~ " as-of dates, "
                    ~ row[1] ~ " to " ~ row[2], info=True) }}
            {%- endif -%}
        {%- endif -%}
    {%- endif -%}
{% endmacro %}
