{#
    The campaign responses of var campaign_responses, one row per customer:
    `customer_id` (normalised like the order inputs' ids, so 17850.0 and
    '17850' match) and `responded` (1 or 0; null = unknown). A customer
    listed more than once counts once, as a responder if any row says 1.
    A value other than 0/1 (or true/false) stops the build with a message
    naming the var. With the var null, an empty relation of the same shape,
    so the graph always parses.
#}
{% macro campaign_responses_select() %}
    {%- set spec = var('campaign_responses') -%}
    {%- if spec is none -%}
        {{- return('select cast(null as ' ~ dbt.type_string()
            ~ ') as customer_id, cast(null as integer) as responded'
            ~ ' where 1 = 0') -}}
    {%- endif -%}
    {%- set relation = campaign_input_relation(spec, 'campaign_responses') -%}
    {%- for key in ['id', 'response'] if spec.get(key) is none -%}
        {{ exceptions.raise_compiler_error("var campaign_responses needs '"
            ~ key ~ "': the customer id column and the response (a 0/1 "
            ~ "column or SQL expression over the input's columns)") }}
    {%- endfor -%}
    {%- set id_text = 'cast(' ~ adapter.quote(spec['id']) ~ ' as '
        ~ dbt.type_string() ~ ')' -%}
    select
        customer_id,
        max(responded) as responded
    from (
        select
            {{ normalize_id(id_text) }} as customer_id,
            cast(({{ spec['response'] }}) as integer) as responded
        from {{ relation }}
    ) as responses
    where
        customer_id is not null
        and {{ raise_error_if(
            'responded not in (0, 1)',
            "'var campaign_responses: response must be 0 or 1 (or true / "
            ~ "false, or null when unknown); got ' || cast(responded as "
            ~ dbt.type_string() ~ ") || ' for customer ' || customer_id"
        ) }} is null
    group by customer_id
{%- endmacro %}
