{#
    What a campaign input var (campaign_responses, campaign_uplift_input)
    reads: the relation it names, or its file(s) through read_csv /
    read_parquet (format from `format`, else the extension; CSV columns typed
    by DuckDB's sniffer, `delimiter` overrides the sniffed separator).
    Errors name the var to fix.
#}
{% macro campaign_input_relation(spec, var_name) %}
    {%- if spec is not mapping -%}
        {{ exceptions.raise_compiler_error("var " ~ var_name ~ " must be a "
            ~ "mapping with path (or relation) and its columns; got: " ~ spec) }}
    {%- endif -%}
    {%- if spec.get('relation') is not none -%}
        {{- return(spec['relation']) -}}
    {%- endif -%}
    {%- set path = spec.get('path') -%}
    {%- if path is none or (path is not string and path | length == 0) -%}
        {{ exceptions.raise_compiler_error("var " ~ var_name ~ " needs "
            ~ "'path' (a file, glob or list of files) or 'relation' (a table)") }}
    {%- endif -%}
    {%- set paths = [path] if path is string else path -%}
    {%- set quoted = [] -%}
    {%- for one in paths -%}
        {%- do quoted.append("'" ~ one | replace("'", "''") ~ "'") -%}
    {%- endfor -%}
    {%- set paths_sql = quoted[0] if path is string
        else '[' ~ quoted | join(', ') ~ ']' -%}
    {%- set file_format = spec.get('format')
        or ('csv' if paths[0].lower().endswith('.csv') else 'parquet') -%}
    {%- if file_format == 'csv' -%}
        {%- set options = '' -%}
        {%- if spec.get('delimiter') is not none -%}
            {%- set options = ", delim = '"
                ~ spec['delimiter'] | replace("'", "''") ~ "'" -%}
        {%- endif -%}
        {{- return('read_csv(' ~ paths_sql ~ options ~ ')') -}}
    {%- elif file_format == 'parquet' -%}
        {{- return('read_parquet(' ~ paths_sql ~ ')') -}}
    {%- endif -%}
    {{ exceptions.raise_compiler_error("var " ~ var_name ~ ".format must be "
        ~ "csv or parquet; got: " ~ file_format) }}
{% endmacro %}
