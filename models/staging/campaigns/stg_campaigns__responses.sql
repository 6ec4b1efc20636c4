-- Past campaign responses, one row per row of the input named by var
-- campaign_responses: the customer id (canonical, like the order lines')
-- and the response as 1 / 0 (null = unknown). Empty when the var is null.
-- depends_on: {{ source('campaigns', 'responses') }}
with

responses as (

    {{ campaign_responses_select() }}

),

final as (

    select * from responses

)

select * from final
