-- One row per segment of a treatment / control test (var
-- campaign_uplift_input; the model is built only when it is set), plus a
-- row for all segments together: response rate of the treated and of the
-- control group, the uplift (treated rate - control rate, in proportion
-- points) and its Newcombe hybrid score interval (var campaign_interval_z;
-- 95% by default). Rows outside the test (treatment null) or with an
-- unknown response are left out.
{{ config(enabled=var('campaign_uplift_input') is not none) }}

with

experiment as (

    select * from {{ ref('stg_campaigns__uplift_tests') }}

),

assignments as (

    select * from {{ ref('int_segment_assignments') }}

),

rfm_segments as (

    -- Rows whose test names no segment take the customer's RFM segment.
    select
        customer_id,
        segment_name
    from assignments
    where segment_type = 'rfm_segment'

),

observations as (

    select
        coalesce(
            experiment.segment_name,
            rfm_segments.segment_name,
            'Not segmented'
        ) as segment_name,
        experiment.is_treated,
        experiment.responded
    from experiment
    left join rfm_segments
        on experiment.customer_id = rfm_segments.customer_id
    where
        experiment.is_treated is not null
        and experiment.responded is not null

),

per_segment as (

    select
        segment_name,
        false as is_total,
        sum(case when is_treated then 1 else 0 end) as treated_customers,
        sum(case when is_treated then responded else 0 end)
            as treated_responders,
        sum(case when is_treated then 0 else 1 end) as control_customers,
        sum(case when is_treated then 0 else responded end)
            as control_responders
    from observations
    group by segment_name

),

all_segments as (

    select
        'All segments' as segment_name,
        true as is_total,
        sum(treated_customers) as treated_customers,
        sum(treated_responders) as treated_responders,
        sum(control_customers) as control_customers,
        sum(control_responders) as control_responders
    from per_segment
    having count(*) > 0

),

counts as (

    select * from per_segment
    union all
    select * from all_segments

),

rates as (

    select
        *,
        cast(treated_responders as double) / nullif(treated_customers, 0)
            as treated_response_rate,
        cast(control_responders as double) / nullif(control_customers, 0)
            as control_response_rate,
        {{ newcombe_difference_bound(
            'treated_responders', 'treated_customers',
            'control_responders', 'control_customers', 'lower'
        ) }} as uplift_lower,
        {{ newcombe_difference_bound(
            'treated_responders', 'treated_customers',
            'control_responders', 'control_customers', 'upper'
        ) }} as uplift_upper
    from counts

),

final as (

    select
        cast(segment_name as {{ dbt.type_string() }}) as segment_name,
        cast(treated_customers as integer) as treated_customers,
        cast(treated_responders as integer) as treated_responders,
        cast(control_customers as integer) as control_customers,
        cast(control_responders as integer) as control_responders,
        treated_response_rate,
        control_response_rate,
        treated_response_rate - control_response_rate as uplift,
        uplift_lower,
        uplift_upper,
        (treated_response_rate - control_response_rate) * treated_customers
            as incremental_responders,
        is_total,
        uplift_lower > 0 or uplift_upper < 0 as is_uplift_significant
    from rates

)

select * from final
