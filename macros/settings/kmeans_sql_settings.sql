{#
    The settings of the SQL K-means, read through settings() and checked at
    compile time: the features (name, transform, direction sign) of var
    clustering.features, shared with the Python models so that both cluster
    the same z-scores, and k, iterations and tolerance from vars
    sql_kmeans_k, sql_kmeans_iterations (null: 30 on DuckDB, 8 on other
    engines) and sql_kmeans_tol. The features are checked here, not in
    settings(), so that a run without the SQL K-means never stops on them.
#}
{% macro kmeans_sql_settings() %}
    {%- set checked = settings() -%}
    {%- set clustering = checked.clustering -%}
    {%- set specs = clustering.get('features') -%}
    {%- if specs is none or specs is string or specs | length == 0 -%}
        {{ exceptions.raise_compiler_error("var clustering.features must be "
            ~ "a non-empty list of features; got: " ~ specs) }}
    {%- endif -%}
    {%- set signs = {'higher_is_better': 1, 'lower_is_better': -1,
        'neutral': 0} -%}
    {%- set features = [] -%}
    {%- for item in specs -%}
        {%- set spec = {'name': item} if item is string else item -%}
        {%- set name = spec.get('name') -%}
        {%- set transform = spec.get('transform') or 'none' -%}
        {%- set direction = spec.get('direction')
            or ('lower_is_better' if 'recency' in name | lower
                else 'higher_is_better') -%}
        {%- if transform not in ['none', 'log1p', 'signed_log1p', 'auto'] -%}
            {{ exceptions.raise_compiler_error("var clustering.features: "
                ~ name ~ " has transform '" ~ transform ~ "'; the SQL "
                ~ "K-means knows none, log1p, signed_log1p and auto") }}
        {%- endif -%}
        {%- if direction not in signs -%}
            {{ exceptions.raise_compiler_error("var clustering.features: "
                ~ name ~ " has direction '" ~ direction ~ "'") }}
        {%- endif -%}
        {%- do features.append({'name': name, 'transform': transform,
            'sign': signs[direction]}) -%}
    {%- endfor -%}
    {{- return({
        'features': features,
        'k': checked.sql_kmeans_k,
        'iterations': checked.sql_kmeans_rounds,
        'tol': checked.sql_kmeans_tol,
        'skew_threshold': clustering['skew_threshold'],
    }) -}}
{% endmacro %}
