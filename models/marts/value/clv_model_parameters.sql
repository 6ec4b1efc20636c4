-- The parameters behind customer_value_predictions, long form (model,
-- parameter, value): BG/NBD r, alpha (days), a, b; Gamma-Gamma p, q, v
-- (currency); each fit's log-likelihood, customers and iterations; the
-- horizon and discount rate; the BG/NBD fit of the holdout validation.
-- Where the predictions come from var clv_parameters in SQL, those values.
{%- if not is_built('clv_python') %}
    {%- set selects = [] %}
    {%- for model, values in clv_stored_parameters().items() | sort %}
        {%- for name, value in values.items() | sort %}
            {%- do selects.append(
                "select '" ~ model ~ "' as model, '" ~ name
                ~ "' as parameter, cast(" ~ (value | float)
                ~ " as double) as value, 'var clv_parameters' as source"
            ) %}
        {%- endfor %}
    {%- endfor %}
    {%- set parameters_sql = selects | join('\n    union all\n    ') %}
{%- else %}
    {%- set parameters_sql = 'select model, parameter, value, source from '
        ~ ref('int_clv_parameters') %}
{%- endif %}

with

parameters as (

    {{ parameters_sql }}

),

final as (

    select
        -- The names BI reads, keywords or not.
        cast(model as {{ dbt.type_string() }}) as model,  -- noqa: RF04
        cast(parameter as {{ dbt.type_string() }}) as parameter,  -- noqa: RF04
        cast(source as {{ dbt.type_string() }}) as source,  -- noqa: RF04
        cast(value as double) as value  -- noqa: RF04
    from parameters

)

select * from final
