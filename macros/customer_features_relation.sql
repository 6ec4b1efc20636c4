{#
    What var customer_features_input reads: the relation it names, or its
    file(s) through read_csv / read_parquet. CSV columns are typed by
    DuckDB's sniffer (the expressions do arithmetic on them); `delimiter`
    overrides the sniffed separator.
#}
{% macro customer_features_relation(spec) %}
    {%- if spec.get('relation') is not none -%}
        {{- return(spec['relation']) -}}
    {%- endif -%}
    {%- if spec.get('path') is none -%}
        {{ exceptions.raise_compiler_error("var customer_features_input "
            ~ "needs 'path' (a file or glob) or 'relation' (a table)") }}
    {%- endif -%}
    {%- set paths = order_input_paths_sql(spec) -%}
    {%- set file_format = spec.get('format')
        or ('csv' if spec['path'] is string and '.csv' in spec['path'] else 'parquet') -%}
    {%- if file_format == 'csv' -%}
        {%- set options = '' -%}
        {%- if spec.get('delimiter') is not none -%}
            {%- set options = ", delim = '" ~ spec['delimiter'] | replace("'", "''") ~ "'" -%}
        {%- endif -%}
        {{- return('read_csv(' ~ paths ~ options ~ ')') -}}
    {%- elif file_format == 'parquet' -%}
        {{- return('read_parquet(' ~ paths ~ ')') -}}
    {%- endif -%}
    {{ exceptions.raise_compiler_error("var customer_features_input.format "
        ~ "must be csv or parquet; got: " ~ file_format) }}
{% endmacro %}
