{#-
    A threshold of a quality gate on the clusters as SQL: the test's own
    argument when given, else the K-means setting `setting` of var
    clustering; 'null' when that is null too (the gate checks nothing).
#}
{% macro cluster_gate_threshold(given, setting) %}
    {%- set value = settings().clustering[setting] if given is none
        else given -%}
    {{- return('null' if value is none else value) -}}
{% endmacro %}
