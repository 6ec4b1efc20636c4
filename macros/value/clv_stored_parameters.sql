{#
    var clv_parameters as settings() checked it, for the models that
    predict in SQL: stops the build when it is not set, naming the vars.
    While dbt parses (when a model's yml may still disable it) it returns
    placeholder values instead.
#}
{% macro clv_stored_parameters() %}
    {%- set parameters = settings().clv_parameters -%}
    {%- if parameters is none and not execute -%}
        {{- return({
            'bg_nbd': {'r': 1, 'alpha': 1, 'a': 1, 'b': 1},
            'gamma_gamma': {'p': 1, 'q': 2, 'v': 1},
        }) -}}
    {%- endif -%}
    {%- if parameters is none -%}
        {{ exceptions.raise_compiler_error(
            "CLV predictions in SQL (var clv_predict_in_sql true, or an "
            ~ "engine without Python models such as Spark) need var "
            ~ "clv_parameters: the values of clv_model_parameters from a "
            ~ "DuckDB build, as bg_nbd (r, alpha, a, b) and gamma_gamma "
            ~ "(p, q, v). Set it, or var clv_enabled: false."
        ) }}
    {%- endif -%}
    {{- return(parameters) -}}
{% endmacro %}
