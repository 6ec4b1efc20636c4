-- One row per customer of the customer-level table in var
-- customer_features_input, with the features its column map defines. Empty
-- when the var is null (the default: K-means clusters the RFM customers).
-- depends_on: {{ source('customer_features', 'customers') }}
with

customers as (

    {{ customer_features_select() }}

),

final as (

    select * from customers

)

select * from final
