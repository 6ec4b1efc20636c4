{#
    Whether any input of var order_inputs has the project column
    `canonical` (e.g. 'consent'): mapped in its `columns`, or present under
    the project's own name. Takes the inputs as staging read them
    (order_inputs_read, once per run). Before execution (while dbt parses)
    nothing can be read, and the answer is false.
#}
{% macro order_inputs_have_column(canonical) %}
    {%- if not execute -%}
        {{- return(false) -}}
    {%- endif -%}
    {%- for decided in order_inputs_read() -%}
        {%- if canonical in decided['mapping'] -%}
            {{- return(true) -}}
        {%- endif -%}
    {%- endfor -%}
    {{- return(false) -}}
{% endmacro %}
