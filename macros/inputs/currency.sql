{#
    Amounts in the reporting currency (var reporting_currency): where the
    rates come from, and whether any line needs one.
#}

{#- The exchange rates: var currency_rates (a relation) or the seed
    currency_rates. #}
{% macro currency_rates_relation() %}
    {%- set rates = input_settings()['currency_rates'] -%}
    {{- return(rates if rates is not none else ref('currency_rates')) -}}
{% endmacro %}

{#- Whether any order line is in another currency than the reporting one
    (read from the staged lines). When some are, every such currency must
    have a rate to the reporting currency, or the build stops naming the
    currencies found and the vars. Before execution: true, so the SQL that
    converts is what gets parsed. #}
{% macro order_lines_need_conversion() %}
    {%- set settings = input_settings() -%}
    {%- set reporting = settings['reporting_currency'] -%}
    {%- set lines = ref('stg_orders__order_lines') -%}
    {#- A unit test's ref is a fixture, with no schema to look in. #}
    {%- if not execute or lines.schema is none or load_relation(lines) is none -%}
        {{- return(true) -}}
    {%- endif -%}
    {%- set found = run_query(
        "select distinct currency from " ~ lines ~ " where currency is not null"
        ~ " and currency != '" ~ reporting ~ "' order by currency"
    ).columns[0].values() | list -%}
    {%- if found | length == 0 -%}
        {{- return(false) -}}
    {%- endif -%}
    {%- set rated = run_query(
        "select distinct upper(from_currency) from " ~ currency_rates_relation()
        ~ " where upper(to_currency) = '" ~ reporting ~ "'"
    ).columns[0].values() | list -%}
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
    {{- return(true) -}}
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
