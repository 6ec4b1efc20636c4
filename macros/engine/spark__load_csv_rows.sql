{#
    Seeds on Spark: dbt-spark's session connection pastes each value into
    its INSERT between quotes without escaping, so "Can't Lose Them" breaks
    the statement and an empty cell arrives as the text 'None'. Here every
    value is written as a literal: null for an empty cell, numbers as they
    are, text quoted with backslash escapes (Spark's string syntax).
#}
{% macro spark__load_csv_rows(model, agate_table) %}
    {%- set batch_size = get_batch_size() -%}
    {%- set column_override = model['config'].get('column_types', {}) -%}
    {%- set types = [] -%}
    {%- for col_name in agate_table.column_names -%}
        {%- do types.append(column_override.get(
            col_name, adapter.convert_type(agate_table, loop.index0)
        )) -%}
    {%- endfor -%}
    {%- set statements = [] -%}
    {%- for chunk in agate_table.rows | batch(batch_size) -%}
        {%- set values = [] -%}
        {%- for row in chunk -%}
            {%- set literals = [] -%}
            {%- for value in row -%}
                {%- if value is none -%}
                    {%- set literal = 'null' -%}
                {%- elif value is number and value is not boolean -%}
                    {%- set literal = value | string -%}
                {%- else -%}
                    {%- set literal = "'" ~ (value | string
                        | replace('\\', '\\\\') | replace("'", "\\'")) ~ "'" -%}
                {%- endif -%}
                {%- do literals.append(
                    'cast(' ~ literal ~ ' as ' ~ types[loop.index0] ~ ')'
                ) -%}
            {%- endfor -%}
            {%- do values.append('(' ~ literals | join(', ') ~ ')') -%}
        {%- endfor -%}
        {%- set sql = 'insert into ' ~ this.render() ~ ' values '
            ~ values | join(', ') -%}
        {%- do adapter.add_query(sql, abridge_sql_log=True) -%}
        {%- do statements.append(sql) -%}
    {%- endfor -%}
    {{- return(statements[0]) -}}
{% endmacro %}
