-- The customers K-means segments, one row each: the RFM customers by
-- default, or the customer-level table of var customer_features_input.
-- The Python models read this one model, so switching the input is a var.
{%- if var('customer_features_input') is none %}
    {%- set customers_relation = ref('int_customers_rfm_scored') %}
{%- else %}
    {%- set customers_relation = ref('stg_customers__features') %}
{%- endif %}

with

customers as (

    -- Every column passes through: which ones depends on the input, and the
    -- Python models pick theirs by var clustering.features.
    select * from {{ customers_relation }}  -- noqa: AM04

)

select * from customers  -- noqa: AM04
