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
    {%- if var('clustering_enabled') and target.type != 'spark' -%}
        {%- do built.append('cluster') -%}
    {%- endif -%}
    {%- if order_customers and var('clv_enabled')
        and not clv_settings().predict_in_sql -%}
        {%- do built.append('value_tier') -%}
    {%- endif -%}
    {{- return(built) -}}
{% endmacro %}
