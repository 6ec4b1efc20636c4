{#
    Which customers an audience may include, from var audience_consent and
    the inputs: 'explicit_yes' (only customers whose latest stated consent
    is an explicit yes) when the var is `required`, or `auto` and some input
    has a consent column; 'not_applied' (everyone with a usable contact)
    when the var is `not_required`, or `auto` and no input has one.
#}
{% macro audience_consent_rule() %}
    {%- set consent = settings().audience_consent -%}
    {%- if consent == 'required' -%}
        {{- return('explicit_yes') -}}
    {%- elif consent == 'not_required' -%}
        {{- return('not_applied') -}}
    {%- elif order_inputs_have_column('consent') -%}
        {{- return('explicit_yes') -}}
    {%- endif -%}
    {{- return('not_applied') -}}
{% endmacro %}
