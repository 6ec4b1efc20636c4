-- A treatment / control test, one row per row of the input named by var
-- campaign_uplift_input: the segment or the customer id, whether the row got
-- the campaign, and whether it responded. Built only when the var is set.
-- depends_on: {{ source('campaigns', 'uplift_test') }}
{{ config(enabled=var('campaign_uplift_input') is not none) }}

with

experiment as (

    {{ campaign_uplift_select() }}

),

final as (

    select * from experiment

)

select * from final
