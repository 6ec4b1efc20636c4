{#
    The rows of the mart input_reading_log: for every input the project
    takes, each reading setting with its value and who decided it. The same
    macros that read the inputs decide the same way here, so the log says
    what the staging models did.
#}
{% macro input_reading_log_select() %}
    {%- set rows = [] -%}
    {%- for decided in order_inputs_read() -%}
        {%- for entry in decided['reading']['log'] -%}
            {%- do rows.append(['order_inputs', decided['name'],
                decided['position'], entry]) -%}
        {%- endfor -%}
    {%- endfor -%}
    {%- for var_name in ['customer_features_input', 'campaign_responses',
        'campaign_uplift_input'] -%}
        {%- set reading = other_input_reading(var_name) -%}
        {%- for entry in (reading or {}).get('log', []) -%}
            {%- do rows.append([var_name, var_name, 1, entry]) -%}
        {%- endfor -%}
    {%- endfor -%}
    {%- set string = dbt.type_string() -%}
    {%- set values = [] -%}
    {%- for row in rows -%}
        {%- set entry = row[3] -%}
        {%- do values.append('(' ~ [
            input_literal(row[0]), input_literal(row[1]), row[2] | string,
            input_literal(entry['file']), input_literal(entry['setting']),
            input_literal(entry['value']), input_literal(entry['decided_by']),
            input_literal(entry['note'] or none)
        ] | join(', ') ~ ')') -%}
    {%- endfor -%}
    {%- if not values -%}
        {%- do values.append('(' ~ (['null'] * 2 + ['0'] + ['null'] * 5)
            | join(', ') ~ ')') -%}
    {%- endif %}
    select
        cast(input_var as {{ string }}) as input_var,
        cast(input_name as {{ string }}) as input_name,
        cast(input_position as integer) as input_position,
        cast(file_path as {{ string }}) as file_path,
        cast(setting as {{ string }}) as setting,
        cast(setting_value as {{ string }}) as setting_value,
        cast(decided_by as {{ string }}) as decided_by,
        cast(note as {{ string }}) as note
    from (
        values
        {{ values | join(',\n        ') }}
    ) as log_rows (
        input_var, input_name, input_position, file_path, setting,
        setting_value, decided_by, note
    )
    where input_var is not null
{%- endmacro %}
