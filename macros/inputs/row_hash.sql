{#
    A hash of several columns, equal for rows whose columns are all equal
    (nulls included). Used to find candidate duplicates cheaply; callers
    must confirm candidates with an exact comparison, as different rows may
    share a hash.
#}
{% macro row_hash(columns) %}
    {{- return(adapter.dispatch('row_hash', 'customer_segmentation')(columns)) -}}
{% endmacro %}

{% macro default__row_hash(columns) %}
    {%- set parts = [] -%}
    {%- for column in columns -%}
        {%- if not loop.first -%}
            {%- do parts.append("'|'") -%}
        {%- endif -%}
        {%- do parts.append(
            "coalesce(cast(" ~ column ~ " as " ~ dbt.type_string() ~ "), '~null~')"
        ) -%}
    {%- endfor -%}
    {{ dbt.hash(dbt.concat(parts)) }}
{%- endmacro %}

{% macro duckdb__row_hash(columns) %}
    hash({{ columns | join(', ') }})
{%- endmacro %}

{% macro spark__row_hash(columns) %}
    xxhash64({{ columns | join(', ') }})
{%- endmacro %}

{#- The columns two order lines must share to be copies of one line
    (int_order_lines_duplicated): all that describes the line, its key
    included. #}
{% macro duplicate_line_columns() %}
    {{- return([
        'customer_id', 'order_id', 'line_key', 'country', 'currency',
        'ordered_at', 'quantity', 'unit_price', 'line_amount'
    ]) -}}
{% endmacro %}
