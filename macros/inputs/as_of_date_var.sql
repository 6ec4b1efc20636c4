{#
    var as_of_date, checked: none when unset (the models then take the day
    after the last order), else the date as 'YYYY-MM-DD'. A value that is not
    a date stops the build at compile time with a message naming the var.
#}
{% macro as_of_date_var() %}
    {%- set value = var('as_of_date') -%}
    {%- if value is none or value == '' -%}
        {{- return(none) -}}
    {%- endif -%}
    {%- set text = value | string -%}
    {%- if not modules.re.match('^[0-9]{4}-[0-9]{2}-[0-9]{2}$', text) -%}
        {{ exceptions.raise_compiler_error(
            "var as_of_date '" ~ text ~ "' is not a date: write it as "
            ~ "YYYY-MM-DD, or null for the day after the last order."
        ) }}
    {%- endif -%}
    {%- do modules.datetime.datetime.strptime(text, '%Y-%m-%d') -%}
    {{- return(text) -}}
{% endmacro %}
