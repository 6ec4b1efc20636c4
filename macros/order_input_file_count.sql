{#
    How many files an input's `path` matches, so that a wrong path stops the
    build with a message naming the var instead of an engine error. None
    where the engine cannot list files from SQL: Spark then fails on its own
    read with PATH_NOT_FOUND, naming the path.
#}
{% macro order_input_file_count(order_input) %}
    {{- return(adapter.dispatch('order_input_file_count', 'customer_segmentation')(
        order_input
    )) -}}
{% endmacro %}

{% macro default__order_input_file_count(order_input) %}
    {{- return(none) -}}
{% endmacro %}

{% macro duckdb__order_input_file_count(order_input) %}
    {{- return(run_query(
        "select count(*) from glob(" ~ order_input_paths_sql(order_input) ~ ")"
    ).columns[0].values()[0]) -}}
{% endmacro %}

{% macro spark__order_input_file_count(order_input) %}
    {{- return(default__order_input_file_count(order_input)) -}}
{% endmacro %}
