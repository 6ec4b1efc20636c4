{#-
    A share as a percentage text for a failure_reason: 100 x part / whole
    rounded to `digits` decimals ('12.5'), without the % sign.
#}
{% macro percent_text(part, whole, digits=1) %}
    {{- 'cast(round(100.0 * ' ~ part ~ ' / ' ~ whole ~ ', ' ~ digits
        ~ ') as ' ~ dbt.type_string() ~ ')' -}}
{% endmacro %}
