-- Hand-run analysis: segments by country (a customer's country is the
-- alphabetically last one on their clean lines; most have only one).
-- `dbt compile` renders it to target/compiled/.../analyses/; run the SQL in
-- any DuckDB client opened read-only on the warehouse file.
with

customers as (

    select * from {{ ref('customer_segments') }}

),

order_lines as (

    select * from {{ ref('int_order_lines_cleaned') }}

),

customer_countries as (

    select
        customer_id,
        max(country) as country
    from order_lines
    group by customer_id

),

final as (

    select
        customer_countries.country,
        customers.segment_name,
        count(*) as customers,
        sum(customers.monetary) as revenue
    from customers
    inner join customer_countries
        on customers.customer_id = customer_countries.customer_id
    group by customer_countries.country, customers.segment_name

)

select * from final
