{#
    The segmentations this build assigns customers to, as the segment_type
    values of int_segment_assignments, in the order their rows are listed:
      rfm_segment  the RFM segments, for the customers of the order lines
                   (not when var customer_features_input clusters other
                   customers);
      cluster      the K-means clusters, where the K-means models run;
      value_tier   the tier of the predicted CLV's decile (seed
                   value_tiers), where the CLV models predict it in Python.
#}
{% macro segmentations() %}
    {%- set order_customers = var('customer_features_input') is none -%}
    {%- set built = [] -%}
    {%- if order_customers -%}
        {%- do built.append('rfm_segment') -%}
    {%- endif -%}
    {%- if is_built('kmeans') -%}
        {%- do built.append('cluster') -%}
    {%- endif -%}
    {%- if order_customers and is_built('clv_python') -%}
        {%- do built.append('value_tier') -%}
    {%- endif -%}
    {{- return(built) -}}
{% endmacro %}
