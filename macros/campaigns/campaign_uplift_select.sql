{#
    The treatment / control experiment of var campaign_uplift_input, one row
    per customer (or contact) in it: `segment_name` (the input's `segment`
    expression) or `customer_id` (its `id` column, when there is no
    `segment`: segment_uplift then takes the customer's RFM segment),
    `is_treated` (the `treatment` expression: true = received the campaign,
    false = held-out control, null = not in the test) and `responded` (the
    `response` expression as 1 / 0, null = unknown). A response other than
    0/1 stops the build with a message naming the var. With the var null,
    an empty relation of the same shape.
#}
{% macro campaign_uplift_select() %}
    {%- set spec = var('campaign_uplift_input') -%}
    {%- set string_type = dbt.type_string() -%}
    {%- if spec is none -%}
        {{- return('select cast(null as ' ~ string_type ~ ') as segment_name,'
            ~ ' cast(null as ' ~ string_type ~ ') as customer_id,'
            ~ ' cast(null as boolean) as is_treated,'
            ~ ' cast(null as integer) as responded where 1 = 0') -}}
    {%- endif -%}
    {%- set relation = campaign_input_relation(spec, 'campaign_uplift_input') -%}
    {%- for key in ['treatment', 'response'] if spec.get(key) is none -%}
        {{ exceptions.raise_compiler_error("var campaign_uplift_input needs '"
            ~ key ~ "': treatment is a SQL condition that is true for the "
            ~ "treated and false for the control group (e.g. \"arm = "
            ~ "'treatment'\"), response a 0/1 column or expression") }}
    {%- endfor -%}
    {%- if spec.get('segment') is none and spec.get('id') is none -%}
        {{ exceptions.raise_compiler_error("var campaign_uplift_input needs "
            ~ "'segment' (a column or expression naming each row's segment) "
            ~ "or 'id' (the customer id column, to use the RFM segment)") }}
    {%- endif -%}
    {%- if spec.get('segment') is not none -%}
        {%- set segment_sql = 'cast((' ~ spec['segment'] ~ ') as '
            ~ string_type ~ ')' -%}
    {%- else -%}
        {%- set segment_sql = 'cast(null as ' ~ string_type ~ ')' -%}
    {%- endif -%}
    {%- if spec.get('id') is not none -%}
        {%- set id_sql = normalize_id('cast(' ~ adapter.quote(spec['id'])
            ~ ' as ' ~ string_type ~ ')') -%}
    {%- else -%}
        {%- set id_sql = 'cast(null as ' ~ string_type ~ ')' -%}
    {%- endif -%}
    select
        segment_name,
        customer_id,
        is_treated,
        responded
    from (
        select
            {{ segment_sql }} as segment_name,
            {{ id_sql }} as customer_id,
            cast(({{ spec['treatment'] }}) as boolean) as is_treated,
            cast(({{ spec['response'] }}) as integer) as responded
        from {{ relation }}
    ) as experiment
    where
        {{ raise_error_if(
            'responded not in (0, 1)',
            "'var campaign_uplift_input: response must be 0 or 1 (or true / "
            ~ "false, or null when unknown); got ' || cast(responded as "
            ~ string_type ~ ")"
        ) }} is null
{%- endmacro %}
