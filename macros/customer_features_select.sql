{#
    The customer-level table named by var customer_features_input, one row
    per customer: `customer_id` plus one double column per entry of its
    `columns` map (feature name: SQL expression over the input's columns).
    Lets K-means segment a table of customer attributes (the Customer
    Personality example) instead of the RFM customers. With the var null,
    an empty relation of the same shape, so the graph always parses.
#}
{% macro customer_features_select() %}
    {%- set spec = var('customer_features_input') -%}
    {%- if spec is none -%}
        {{- return('select cast(null as ' ~ dbt.type_string()
            ~ ') as customer_id where false') -}}
    {%- endif -%}
    {%- set where = 'var customer_features_input' -%}
    {%- if spec is not mapping -%}
        {{ exceptions.raise_compiler_error(where ~ " must be a mapping with "
            ~ "path (or relation), id and columns; got: " ~ spec) }}
    {%- endif -%}
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
        nullif(trim(cast({{ adapter.quote(spec['id']) }} as {{ dbt.type_string() }})), '')
            as customer_id,
        {{ expressions | join(',\n        ') }}
    from {{ customer_features_relation(spec) }}
{%- endmacro %}
