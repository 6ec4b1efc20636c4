{#
    A line's 1-based number within its input, stable from run to run. For a
    single Parquet file it is the line's place in the file. Files read
    through a glob or a list are numbered file by file, in file-name order.
    CSV files and relations carry no row order DuckDB promises to keep, so
    their lines are numbered in the order of their content: identical lines
    are interchangeable, so the result is the same on every run.
#}
{% macro order_input_line_number(order_input, mapping) %}
    {{- return(adapter.dispatch(
        'order_input_line_number', 'customer_segmentation'
    )(order_input, mapping)) -}}
{% endmacro %}

{% macro default__order_input_line_number(order_input, mapping) %}
    {%- set columns = [] -%}
    {%- for column in mapping.values() if column is not none -%}
        {%- do columns.append(adapter.quote(column)) -%}
    {%- endfor -%}
    row_number() over (order by {{ columns | join(', ') }})
{%- endmacro %}

{% macro duckdb__order_input_line_number(order_input, mapping) %}
    {%- set path = order_input.get('path') -%}
    {%- if path is none or order_input_format(order_input) == 'csv' -%}
        {{ default__order_input_line_number(order_input, mapping) }}
    {%- elif path is string and not modules.re.search('[*?\\[]', path) -%}
        file_row_number + 1
    {%- else -%}
        row_number() over (order by filename, file_row_number)
    {%- endif -%}
{%- endmacro %}

{#- Spark's hidden _metadata column gives each Parquet row its place in its
    file, so lines get the same numbers as on DuckDB. #}
{% macro spark__order_input_line_number(order_input, mapping) %}
    {%- set path = order_input.get('path') -%}
    {%- if path is none -%}
        {{ default__order_input_line_number(order_input, mapping) }}
    {%- elif not modules.re.search('[*?\\[{]', path) -%}
        _metadata.row_index + 1
    {%- else -%}
        row_number() over (
            order by _metadata.file_path, _metadata.row_index
        )
    {%- endif -%}
{%- endmacro %}
