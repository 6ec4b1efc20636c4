-- One row per segment of each segmentation (campaign_response_rates): the
-- playbook (message, offer, channels, cadence) and the segment's share of
-- var campaign_budget, one plan per segmentation.
-- Rule: budget = total x weight x customers / sum(weight x customers) over
-- the segments of the same segment_type, weight = the playbook's
-- budget_weight. Amounts are in cents, rounded by largest remainder (each
-- segment gets the floor of its exact share, the cents left go one each to
-- the largest remainders), so each segment_type's budgets add up to the
-- total exactly. With past responses (see campaign_response_rates), the
-- responders to expect and the cost per expected response. With var
-- campaign_budget_basis predicted_clv, the weight multiplies the segment's
-- predicted CLV (segment_value_forecast) instead of its customers.
{%- set naming_rule_set = settings().clustering['naming_rule_set'] %}
{%- set budget = settings().campaign_budget %}
{%- set by_value = settings().campaign_budget_basis == 'predicted_clv' %}
{#- By value: the predicted CLV in whole cents, so that the shares below are
    exact ratios of integers, as with customers. #}
{%- set weighted_sql = 'playbook_rows.budget_weight * ' ~ (
    'round(100 * coalesce(segment_value_forecast.predicted_clv_total, 0))'
    if by_value else 'response_rates.customers'
) %}
{%- if by_value and not is_built('clv') %}
    {{ exceptions.raise_compiler_error(
        "var campaign_budget_basis is predicted_clv, which needs the CLV "
        ~ "models: set var clv_enabled true, or campaign_budget_basis "
        ~ "customers."
    ) }}
{%- endif %}

with

response_rates as (

    select * from {{ ref('campaign_response_rates') }}

),

segment_playbook as (

    select * from {{ ref('segment_playbook') }}

),
{%- if by_value %}

segment_value_forecast as (

    select * from {{ ref('segment_value_forecast') }}

),
{%- endif %}

playbook_rows as (

    -- Rows of a rule set (cluster names) only for the rule set this build
    -- names its clusters by.
    select *
    from segment_playbook
    where
        naming_rule_set is null
        or naming_rule_set = '{{ naming_rule_set | replace("'", "''") }}'

),

budget_total as (

    select
        cast(
            round(cast({{ budget }} as decimal(38, 4)) * 100)
            as bigint
        ) as total_cents

),

segments as (

    select
        response_rates.*,
        playbook_rows.message,
        playbook_rows.offer,
        playbook_rows.channels,
        playbook_rows.cadence,
        playbook_rows.budget_weight,
        {{ weighted_sql }} as weighted_customers
    from response_rates
    left join playbook_rows
        on
            response_rates.segment_type = playbook_rows.segment_type
            and response_rates.segment_rule_name = playbook_rows.segment_name
    {%- if by_value %}
    left join segment_value_forecast
        on
            response_rates.segment_type = segment_value_forecast.segment_type
            and response_rates.segment_name = segment_value_forecast.segment_name
    {%- endif %}

),

weighted as (

    select
        segments.*,
        budget_total.total_cents,
        sum(segments.weighted_customers)
            over (partition by segments.segment_type)
            as type_weighted_customers
    from segments
    cross join budget_total

),

checked as (

    select *
    from weighted
    where
        {{ raise_error_if(
            'type_weighted_customers = 0',
            "'segment_budget: every ' || segment_type || ' with customers has "
            ~ "budget_weight 0 in seed segment_playbook"
            ~ (" or no predicted CLV (var campaign_budget_basis = "
                ~ "predicted_clv)" if by_value else "")
            ~ ", so var campaign_budget cannot be split; give at least one "
            ~ "a weight above 0.'"
        ) }} is null

),

exact_shares as (

    select
        *,
        cast(total_cents as double)
        * cast(weighted_customers as double)
        / cast(type_weighted_customers as double) as exact_cents
    from checked

),

floored as (

    select
        *,
        floor(exact_cents) as floor_cents,
        exact_cents - floor(exact_cents) as remainder_cents
    from exact_shares

),

ranked as (

    select
        *,
        total_cents - sum(floor_cents) over (partition by segment_type)
            as leftover_cents,
        row_number() over (
            partition by segment_type
            order by remainder_cents desc, segment_rank asc, segment_name asc
        ) as remainder_rank
    from floored

),

allocated as (

    select
        *,
        floor_cents
        + case when remainder_rank <= leftover_cents then 1 else 0 end
            as budget_cents
    from ranked

),

expected as (

    -- Segments without budget are not contacted: no responders expected.
    select
        *,
        case
            when budget_cents > 0 then customers * response_rate
            when response_rate is not null then 0.0
        end as expected_responders,
        case
            when budget_cents > 0 then customers * response_rate_lower
            when response_rate_lower is not null then 0.0
        end as expected_responders_lower,
        case
            when budget_cents > 0 then customers * response_rate_upper
            when response_rate_upper is not null then 0.0
        end as expected_responders_upper
    from allocated

),

final as (

    -- The columns of campaign_response_rates keep the types its contract
    -- gives them; the playbook's (a seed) are cast here.
    select
        segment_type,
        segment_name,
        segment_rule_name,
        cast(message as {{ dbt.type_string() }}) as message,
        cast(offer as {{ dbt.type_string() }}) as offer,
        cast(channels as {{ dbt.type_string() }}) as channels,
        cast(cadence as {{ dbt.type_string() }}) as cadence,
        response_source,
        cluster_id,
        segment_rank,
        customers,
        cast(budget_weight as decimal(10, 4)) as budget_weight,
        -- Integer cents times 0.01 is exact in decimal arithmetic.
        cast(cast(budget_cents as bigint) * 0.01 as decimal(18, 2)) as budget,
        cast(budget_cents as double) / total_cents as budget_share,
        cast(budget_cents as double) / 100 / nullif(customers, 0)
            as budget_per_customer,
        response_rate,
        response_rate_lower,
        response_rate_upper,
        cast(expected_responders as double) as expected_responders,
        cast(expected_responders_lower as double)
            as expected_responders_lower,
        cast(expected_responders_upper as double)
            as expected_responders_upper,
        cast(budget_cents as double) / 100 / nullif(expected_responders, 0)
            as cost_per_expected_response,
        cast(total_cents * 0.01 as decimal(18, 2)) as campaign_budget
    from expected

)

select * from final
