{#
    The vars of the CLV and churn models that SQL reads, checked: returns
    {holdout_days (none or days), validation_buckets, likely_lost_p_alive,
    churn_alert_monthly_rate, churn_alert_min_customers, budget_basis,
    predict_in_sql (true: predictions from var clv_parameters in SQL),
    parameters (none or {bg_nbd: {r, alpha, a, b}, gamma_gamma: {p, q, v}})}.
    A value the models cannot use stops the build at compile time with a
    message naming the var. The Python models check the vars they read
    themselves (segmentation.clv.settings).
#}
{% macro clv_settings() %}
    {%- set holdout = var('clv_holdout_days') -%}
    {%- set buckets = var('clv_validation_buckets') -%}
    {%- set lost = var('clv_likely_lost_p_alive') -%}
    {%- set churn_rate = var('churn_alert_monthly_rate') -%}
    {%- set churn_min = var('churn_alert_min_customers') -%}
    {%- set basis = var('campaign_budget_basis') -%}
    {%- set in_sql = var('clv_predict_in_sql') -%}
    {%- set parameters = var('clv_parameters') -%}

    {%- if holdout is not none and (holdout is not number
        or holdout != holdout | int or holdout < 1 or holdout > 3660) -%}
        {{ exceptions.raise_compiler_error(
            "var clv_holdout_days is '" ~ holdout ~ "': use a whole number "
            ~ "of days from 1 to 3660, or null for no holdout validation."
        ) }}
    {%- endif -%}
    {%- if buckets is not number or buckets != buckets | int
        or buckets < 1 or buckets > 50 -%}
        {{ exceptions.raise_compiler_error(
            "var clv_validation_buckets is '" ~ buckets ~ "': use a whole "
            ~ "number from 1 to 50."
        ) }}
    {%- endif -%}
    {%- for name, value in [
        ('clv_likely_lost_p_alive', lost),
        ('churn_alert_monthly_rate', churn_rate),
    ] -%}
        {%- if value is not number or value <= 0 or value >= 1 -%}
            {{ exceptions.raise_compiler_error(
                "var " ~ name ~ " is '" ~ value ~ "': use a share between 0 "
                ~ "and 1 (exclusive)."
            ) }}
        {%- endif -%}
    {%- endfor -%}
    {%- if churn_min is not number or churn_min != churn_min | int
        or churn_min < 1 -%}
        {{ exceptions.raise_compiler_error(
            "var churn_alert_min_customers is '" ~ churn_min ~ "': use a "
            ~ "whole number of customers (1 or more)."
        ) }}
    {%- endif -%}
    {%- if basis not in ['customers', 'predicted_clv'] -%}
        {{ exceptions.raise_compiler_error(
            "var campaign_budget_basis is '" ~ basis ~ "': use customers "
            ~ "(budget_weight x customers) or predicted_clv (budget_weight x "
            ~ "the segment's predicted CLV)."
        ) }}
    {%- endif -%}
    {%- if in_sql not in [none, true, false] -%}
        {{ exceptions.raise_compiler_error(
            "var clv_predict_in_sql is '" ~ in_sql ~ "': use null, true or "
            ~ "false."
        ) }}
    {%- endif -%}
    {%- set checked = none -%}
    {%- if parameters is not none -%}
        {%- set expected = {
            'bg_nbd': ['r', 'alpha', 'a', 'b'],
            'gamma_gamma': ['p', 'q', 'v'],
        } -%}
        {%- set checked = {} -%}
        {%- if parameters is not mapping
            or parameters.keys() | list | sort != ['bg_nbd', 'gamma_gamma'] -%}
            {{ exceptions.raise_compiler_error(
                "var clv_parameters is '" ~ parameters ~ "': use null (fit "
                ~ "on the data) or a mapping of bg_nbd (r, alpha, a, b) and "
                ~ "gamma_gamma (p, q, v) with the values of an earlier "
                ~ "build, as in its clv_model_parameters."
            ) }}
        {%- endif -%}
        {%- for model, names in expected.items() -%}
            {%- set given = parameters[model] -%}
            {%- if given is not mapping
                or given.keys() | list | sort != names | sort -%}
                {{ exceptions.raise_compiler_error(
                    "var clv_parameters." ~ model ~ " is '" ~ given
                    ~ "': give exactly " ~ names | join(', ') ~ "."
                ) }}
            {%- endif -%}
            {%- for name in names -%}
                {%- if given[name] is not number or given[name] <= 0 -%}
                    {{ exceptions.raise_compiler_error(
                        "var clv_parameters." ~ model ~ "." ~ name ~ " is '"
                        ~ given[name] ~ "': every parameter is a number "
                        ~ "above 0."
                    ) }}
                {%- endif -%}
            {%- endfor -%}
            {%- do checked.update({model: given}) -%}
        {%- endfor -%}
        {%- if checked.gamma_gamma.q <= 1 -%}
            {{ exceptions.raise_compiler_error(
                "var clv_parameters.gamma_gamma.q is '"
                ~ checked.gamma_gamma.q ~ "': it must be above 1 (the mean "
                ~ "order value is p v / (q - 1))."
            ) }}
        {%- endif -%}
    {%- endif -%}
    {#- Python models do not run on Spark: there, and wherever var
        clv_predict_in_sql is true, the predictions come from var
        clv_parameters in SQL (see clv_stored_parameters). #}
    {%- set predict_in_sql = in_sql or target.type == 'spark' -%}

    {{- return({
        'holdout_days': none if holdout is none else holdout | int,
        'validation_buckets': buckets | int,
        'likely_lost_p_alive': lost,
        'churn_alert_monthly_rate': churn_rate,
        'churn_alert_min_customers': churn_min | int,
        'budget_basis': basis,
        'predict_in_sql': predict_in_sql,
        'parameters': checked,
    }) -}}
{% endmacro %}
