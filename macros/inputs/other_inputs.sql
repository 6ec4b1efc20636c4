{#
    The inputs besides the order lines, each read by read_input: the
    customer-feature table (var customer_features_input) and the campaign
    files (vars campaign_responses, campaign_uplift_input). Each select is
    used by one staging model.
#}

{#- The entry's own keys (besides path / relation and the reading
    options), per var. #}
{% macro other_input_keys(var_name) %}
    {{- return({
        'customer_features_input': ['id', 'columns'],
        'campaign_responses': ['id', 'response'],
        'campaign_uplift_input': ['treatment', 'response', 'segment', 'id'],
    }[var_name]) -}}
{% endmacro %}

{#- read_input on the entry of `var_name`, with sniffed column types (the
    entries' expressions do arithmetic on them); none when the var is
    null. #}
{% macro other_input_reading(var_name) %}
    {%- set spec = var(var_name) -%}
    {%- if spec is none -%}
        {{- return(none) -}}
    {%- endif -%}
    {{- return(read_input(spec, 'var ' ~ var_name, 'var ' ~ var_name,
        other_input_keys(var_name), true)) -}}
{% endmacro %}

{#- The type of `column` in a reading (VARCHAR when it cannot be known). #}
{% macro other_input_type(reading, column) %}
    {%- for name, type in reading['columns'].items()
        if (name | lower) == (column | lower) -%}
        {{- return(type) -}}
    {%- endfor -%}
    {{- return('VARCHAR') -}}
{% endmacro %}

{#- The customer-level table of var customer_features_input, one row per
    input row: `customer_id` (canonical, like the order lines' ids) plus one
    double column per entry of its `columns` map (feature name: SQL
    expression over the input's columns). With the var null, an empty
    relation of the same shape, so the graph always parses. #}
{% macro customer_features_select() %}
    {%- set spec = var('customer_features_input') -%}
    {%- if spec is none -%}
        {{- return('select cast(null as ' ~ dbt.type_string()
            ~ ') as customer_id where false') -}}
    {%- endif -%}
    {%- set where = 'var customer_features_input' -%}
    {%- set reading = other_input_reading('customer_features_input') -%}
    {%- for key in ['id', 'columns'] if spec.get(key) is none -%}
        {{ exceptions.raise_compiler_error(where ~ " needs '" ~ key ~ "': "
            ~ "the id column and a map of feature name to SQL expression") }}
    {%- endfor -%}
    {%- if spec['columns'] is not mapping or spec['columns'] | length == 0 -%}
        {{ exceptions.raise_compiler_error(where ~ ".columns must map each "
            ~ "feature name to a SQL expression; got: " ~ spec['columns']) }}
    {%- endif -%}
    {%- set expressions = [] -%}
    {%- for name, expression in spec['columns'].items() -%}
        {%- if name == 'customer_id' -%}
            {{ exceptions.raise_compiler_error(where ~ ".columns may not "
                ~ "define customer_id: the id comes from '" ~ where
                ~ ".id'") }}
        {%- endif -%}
        {%- do expressions.append('cast((' ~ expression ~ ') as double) as '
            ~ adapter.quote(name)) -%}
    {%- endfor -%}
    select
        {{ canonical_id(adapter.quote(spec['id']),
            other_input_type(reading, spec['id'])) }} as customer_id,
        {{ expressions | join(',\n        ') }}
    from {{ reading['relation_sql'] }}
{%- endmacro %}

{#- The campaign responses of var campaign_responses, one row per input
    row: `customer_id` (canonical, so 17850.0 and '17850' match the order
    lines) and `responded` (the `response` column or expression as 1 / 0;
    null = unknown). A response other than 0/1 stops the build naming the
    var. With the var null, an empty relation of the same shape. #}
{% macro campaign_responses_select() %}
    {%- set spec = var('campaign_responses') -%}
    {%- if spec is none -%}
        {{- return('select cast(null as ' ~ dbt.type_string()
            ~ ') as customer_id, cast(null as integer) as responded'
            ~ ' where 1 = 0') -}}
    {%- endif -%}
    {%- set reading = other_input_reading('campaign_responses') -%}
    {%- for key in ['id', 'response'] if spec.get(key) is none -%}
        {{ exceptions.raise_compiler_error("var campaign_responses needs '"
            ~ key ~ "': the customer id column and the response (a 0/1 "
            ~ "column or SQL expression over the input's columns)") }}
    {%- endfor -%}
    select
        customer_id,
        responded
    from (
        select
            {{ canonical_id(adapter.quote(spec['id']),
                other_input_type(reading, spec['id'])) }} as customer_id,
            cast(({{ spec['response'] }}) as integer) as responded
        from {{ reading['relation_sql'] }}
    ) as responses
    where
        {{ raise_error_if(
            'responded not in (0, 1)',
            "'var campaign_responses: response must be 0 or 1 (or true / "
            ~ "false, or null when unknown); got ' || cast(responded as "
            ~ dbt.type_string() ~ ") || ' for customer ' || customer_id"
        ) }} is null
{%- endmacro %}

{#- The treatment / control experiment of var campaign_uplift_input, one
    row per input row: `segment_name` (the `segment` expression) or
    `customer_id` (its `id` column, canonical, when there is no segment:
    the customer's RFM segment is used), `is_treated` (the `treatment`
    condition: true = received the campaign, false = held-out control,
    null = not in the test) and `responded` (1 / 0, null = unknown). A
    response other than 0/1 stops the build naming the var. With the var
    null, an empty relation of the same shape. #}
{% macro campaign_uplift_select() %}
    {%- set spec = var('campaign_uplift_input') -%}
    {%- set string_type = dbt.type_string() -%}
    {%- if spec is none -%}
        {{- return('select cast(null as ' ~ string_type ~ ') as segment_name,'
            ~ ' cast(null as ' ~ string_type ~ ') as customer_id,'
            ~ ' cast(null as boolean) as is_treated,'
            ~ ' cast(null as integer) as responded where 1 = 0') -}}
    {%- endif -%}
    {%- set reading = other_input_reading('campaign_uplift_input') -%}
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
        {%- set id_sql = canonical_id(adapter.quote(spec['id']),
            other_input_type(reading, spec['id'])) -%}
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
        from {{ reading['relation_sql'] }}
    ) as experiment
    where
        {{ raise_error_if(
            'responded not in (0, 1)',
            "'var campaign_uplift_input: response must be 0 or 1 (or true / "
            ~ "false, or null when unknown); got ' || cast(responded as "
            ~ string_type ~ ")"
        ) }} is null
{%- endmacro %}
