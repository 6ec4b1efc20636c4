{#
    Whether a feature of the project is built in this run: kmeans (the
    K-means models, Python), kmeans_sql (the K-means in SQL), history (the
    segment history), clv (the CLV models) or clv_python (their Python
    fits). The flags, with their vars and defaults, are stated once in
    dbt_project.yml (`+meta: built:` of the models and data tests), whose
    folders take their `+enabled` from the same lines: what a model asks
    here cannot disagree with which models exist. docs/settings.md says why
    it is done this way.
#}
{% macro is_built(feature) %}
    {%- set meta = model.config.meta
        if model is defined and model.config is defined else none -%}
    {%- set built = (meta or {}).get('built') or {} -%}
    {%- if feature not in built -%}
        {{ exceptions.raise_compiler_error(
            "is_built('" ~ feature ~ "'): no such flag under +meta: built: "
            ~ "in dbt_project.yml for this node (known: "
            ~ built.keys() | list | join(', ') ~ ")."
        ) }}
    {%- endif -%}
    {{- return(built[feature]) -}}
{% endmacro %}
