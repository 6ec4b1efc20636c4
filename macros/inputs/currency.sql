{#
    Amounts in the reporting currency (var reporting_currency): where the
    rates come from, and whether any line needs one.
#}

{#- The exchange rates: var currency_rates (a relation) or the seed
    currency_rates. #}
{% macro currency_rates_relation() %}
    {%- set rates = settings()['currency_rates'] -%}
    {{- return(rates if rates is not none else ref('currency_rates')) -}}
{% endmacro %}

{#- The currencies of the staged order lines: {'convert': whether any line
    is in another currency than the reporting one, 'blanks': whether some
    line of a currency column is blank}. A currency without a rate to the
    reporting currency stops the build naming the currencies found and the
    vars. Before execution (and in unit tests) both are true, so the SQL
    that converts is what gets parsed. #}
{% macro order_line_currencies() %}
    {%- set settings = settings() -%}
    {%- set reporting = settings['reporting_currency'] -%}
    {%- set lines = ref('stg_orders__new_order_lines') -%}
    {#- A unit test's ref is a fixture, with no schema to look in. #}
    {%- if not execute or lines.schema is none or load_relation(lines) is none -%}
        {{- return({'convert': true, 'blanks': true}) -}}
    {%- endif -%}
    {%- set currencies = run_query(
        "select distinct coalesce(currency, '') from " ~ lines
        ~ " where currency is null or currency != '" ~ reporting ~ "'"
        ~ " order by 1"
    ).columns[0].values() | list -%}
    {%- set found = currencies | reject('equalto', '') | list -%}
    {%- set blanks = '' in currencies -%}
    {%- if found | length == 0 -%}
        {{- return({'convert': false, 'blanks': blanks}) -}}
    {%- endif -%}
    {%- set rates = currency_rates_relation() -%}
    {%- set rated = [] -%}
    {#- The seed is absent after a plain dbt run: then there is no rate. #}
    {%- if settings['currency_rates'] is not none or load_relation(rates) is not none -%}
        {%- set rated = run_query(
            "select distinct upper(from_currency) from " ~ rates
            ~ " where upper(to_currency) = '" ~ reporting ~ "'"
        ).columns[0].values() | list -%}
    {%- endif -%}
    {%- set missing = found | reject('in', rated) | list -%}
    {%- if missing -%}
        {{ exceptions.raise_compiler_error(
            "Order lines are in " ~ found | join(', ') ~ " besides " ~ reporting
            ~ " (var reporting_currency), and " ~ missing | join(', ')
            ~ " has no rate to " ~ reporting ~ " in var currency_rates ("
            ~ (settings['currency_rates'] or 'seed currency_rates') ~ "). Add "
            ~ "the rates, or set var reporting_currency to the currency of "
            ~ "the amounts."
        ) }}
    {%- endif -%}
    {{- return({'convert': true, 'blanks': blanks}) -}}
{% endmacro %}

{#- True when a text expression contains a match of a regular expression
    (anchor it with ^ and $ for a whole match). #}
{% macro matches_regexp(expression, pattern) %}
    {{- return(adapter.dispatch('matches_regexp', 'customer_segmentation')(
        expression, pattern
    )) -}}
{% endmacro %}

{% macro default__matches_regexp(expression, pattern) %}
    {{ expression }} rlike '{{ pattern | replace("'", "''") }}'
{%- endmacro %}

{% macro duckdb__matches_regexp(expression, pattern) %}
    regexp_matches({{ expression }}, '{{ pattern | replace("'", "''") }}')
{%- endmacro %}

{% macro spark__matches_regexp(expression, pattern) %}
    {{ expression }} rlike '{{ pattern | replace('\\', '\\\\') | replace("'", "\\'") }}'
{%- endmacro %}
