{#
    An input's `path` as a SQL string literal, or a list of them when the
    var gives a list of files. Quotes are doubled so a path cannot break out
    of the literal.
#}
{% macro order_input_paths_sql(order_input) %}
    {%- set path = order_input['path'] -%}
    {%- if path is string -%}
        {{- return("'" ~ path | replace("'", "''") ~ "'") -}}
    {%- endif -%}
    {%- set quoted = [] -%}
    {%- for one in path -%}
        {%- do quoted.append("'" ~ one | replace("'", "''") ~ "'") -%}
    {%- endfor -%}
    {{- return("[" ~ quoted | join(', ') ~ "]") -}}
{% endmacro %}
