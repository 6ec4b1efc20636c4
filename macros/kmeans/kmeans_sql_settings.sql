{#
    The settings of the SQL K-means, checked at compile time: the features
    (name, transform, direction sign) of var clustering.features, shared with
    the Python models so that both cluster the same z-scores, and k,
    iterations and tolerance from vars sql_kmeans_k, sql_kmeans_iterations
    (null: 30 on DuckDB, 8 on other engines) and sql_kmeans_tol.
#}
{% macro kmeans_sql_settings() %}
    {%- set clustering = clustering_settings() -%}
    {%- set specs = clustering.get('features') if clustering is mapping else none -%}
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
    {%- set k = var('sql_kmeans_k') -%}
    {%- set iterations = var('sql_kmeans_iterations') -%}
    {#- Spark plans the unrolled rounds as one query: at 30 its driver ran
        out of heap while planning, 8 plan in about a minute. -#}
    {%- if iterations is none -%}
        {%- set iterations = 30 if target.type == 'duckdb' else 8 -%}
    {%- endif -%}
    {%- set tol = var('sql_kmeans_tol') -%}
    {%- if k is not number or k < 1 or k != k | int -%}
        {{ exceptions.raise_compiler_error("var sql_kmeans_k must be a "
            ~ "positive integer; got: " ~ k) }}
    {%- endif -%}
    {%- if iterations is not number or iterations < 1
        or iterations != iterations | int -%}
        {{ exceptions.raise_compiler_error("var sql_kmeans_iterations must "
            ~ "be a positive integer; got: " ~ iterations) }}
    {%- endif -%}
    {%- if tol is not none and (tol is not number or tol < 0) -%}
        {{ exceptions.raise_compiler_error("var sql_kmeans_tol must be null "
            ~ "or a number >= 0; got: " ~ tol) }}
    {%- endif -%}
    {{- return({
        'features': features,
        'k': k | int,
        'iterations': iterations | int,
        'tol': tol,
        'skew_threshold': clustering['skew_threshold'],
    }) -}}
{% endmacro %}
