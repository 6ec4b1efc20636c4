{#
    An expression that stops the query with `message` when `condition` holds
    for a row and is null otherwise: how a model refuses data it cannot
    handle (e.g. an as-of date before the first order) with a message that
    names the var to fix.
#}
{% macro raise_error_if(condition, message) %}
    {{- return(adapter.dispatch('raise_error_if', 'customer_segmentation')(
        condition, message
    )) -}}
{% endmacro %}

{% macro default__raise_error_if(condition, message) %}
    case when {{ condition }} then raise_error({{ message }}) end
{%- endmacro %}

{% macro duckdb__raise_error_if(condition, message) %}
    case when {{ condition }} then error({{ message }}) end
{%- endmacro %}

{% macro spark__raise_error_if(condition, message) %}
    {{ default__raise_error_if(condition, message) }}
{%- endmacro %}
