{#
    parquet or csv: the input's `format`, else guessed from the path's
    extension (.csv, .tsv, .txt and their .gz forms are read as CSV).
#}
{% macro order_input_format(order_input) %}
    {%- set declared = order_input.get('format') -%}
    {%- if declared is not none -%}
        {%- if declared | lower not in ['parquet', 'csv'] -%}
            {{ exceptions.raise_compiler_error(
                "order_inputs '" ~ order_input['name'] ~ "': format '"
                ~ declared ~ "' is not parquet or csv (var order_inputs)."
            ) }}
        {%- endif -%}
        {{- return(declared | lower) -}}
    {%- endif -%}
    {%- set path = order_input['path'] -%}
    {%- set first = path if path is string else path[0] -%}
    {%- set lowered = first | lower | replace('.gz', '') -%}
    {%- if lowered.endswith('.csv') or lowered.endswith('.tsv')
        or lowered.endswith('.txt') -%}
        {{- return('csv') -}}
    {%- endif -%}
    {{- return('parquet') -}}
{% endmacro %}
