-- R, F and M scores per customer and as-of date: NTILE buckets among the
-- customers of that date, 5 = best on every axis (bought most recently, most
-- often, for the most money). Ties follow var rfm_tie_policy; under 'row'
-- customer_id breaks them, so scores are the same on every run.
-- A customer's position in a date's order is where its value starts (the
-- customers with lower values before it, counted per value) plus, under
-- 'row', its rank among its ties: one pass over the rows, then work on the
-- distinct values, instead of sorting every row once per axis.
-- Incremental: a refresh (var refresh_from_stored) recomputes only the
-- dates macro refreshed_as_of_dates names, from the dates model above.
{{ as_of_date_incremental_config() }}

with

customers as (

    select * from {{ ref('int_customer_dates_aggregated') }}
    {%- if is_incremental() %}
    where as_of_date in ({{ refreshed_as_of_dates() }})
    {%- endif %}

),

{#- Per axis: its value column, the order that puts the best customers
    last (in the top bucket), and whether it also counts the date's scored
    customers (once is enough). Longest recency first, so the most recent
    buyers land in the top bucket. #}
{%- set axes = [
    ('recency', 'recency_days', 'desc', true),
    ('frequency', 'frequency', 'asc', false),
    ('monetary', 'monetary', 'asc', false),
] %}
{%- for axis, value_column, direction, counts_customers in axes %}

    {{ axis }}_positions as (

        select
            as_of_date,
            {{ value_column }},
            {%- if counts_customers %}
                sum(count(*)) over (partition by as_of_date)
                    as scored_customers,
            {%- endif %}
            sum(count(*)) over (
                partition by as_of_date
                order by {{ value_column }} {{ direction }}
                rows between unbounded preceding and current row
            ) - count(*) + 1 as first_position
        from customers
        group by as_of_date, {{ value_column }}

    ),
{%- endfor %}

positioned as (

    select
        customers.*,
        recency_positions.scored_customers,
        recency_positions.first_position
        + {{ ntile_tie_rank('customers.recency_days', 'customers.as_of_date') }}
            as r_position,
        frequency_positions.first_position
        + {{ ntile_tie_rank('customers.frequency', 'customers.as_of_date') }}
            as f_position,
        monetary_positions.first_position
        + {{ ntile_tie_rank('customers.monetary', 'customers.as_of_date') }}
            as m_position
    -- Left joins (every customer has its value in each), so that the
    -- engine joins each lookup to the customers: as inner joins, two
    -- lookups sharing as_of_date may be joined to each other first, one
    -- row per pair of values of a date.
    from customers
    left join recency_positions
        on
            customers.as_of_date = recency_positions.as_of_date
            and customers.recency_days = recency_positions.recency_days
    left join frequency_positions
        on
            customers.as_of_date = frequency_positions.as_of_date
            and customers.frequency = frequency_positions.frequency
    left join monetary_positions
        on
            customers.as_of_date = monetary_positions.as_of_date
            and customers.monetary = monetary_positions.monetary

),

scored as (

    select
        customer_id,
        as_of_date,
        recency_days,
        frequency,
        repeat_frequency,
        return_only_orders,
        monetary,
        gross_revenue,
        returned_amount,
        average_order_value,
        tenure_days,
        {{ ntile_score('r_position', 'scored_customers') }} as r_score,
        {{ ntile_score('f_position', 'scored_customers') }} as f_score,
        {{ ntile_score('m_position', 'scored_customers') }} as m_score,
        first_order_date,
        last_order_date
    from positioned

),

final as (

    select
        *,
        {{ fm_score('f_score', 'm_score') }} as fm_score
    from scored

)

select * from final
