{#
    Lloyd's K-means, unrolled at compile time into one query: `iterations`
    rounds of CTEs, each assigning every point to its nearest centroid and
    moving each centroid to the mean of its points. Returns k x features
    rows (cluster_index, feature_name, centroid_z) plus the iteration
    figures. Each CTE is read exactly once, by the next one: an engine that
    inlines CTEs (Spark) then plans a chain, not a tree that doubles at
    every iteration; the centroids of a round travel to the next round on
    the rows of the points (one-row cross join) for the same reason.

    Rules, those of segmentation.clustering.kmeans_core.lloyd:
    - ties: a point equally far from two centroids goes to the lower index;
    - empty cluster: its centroid moves to the point farthest from its own
      centroid (the m-th empty cluster, by index, takes the m-th farthest
      point; equal distances by ascending `index_column`, the row of the
      point in the Python core's matrix: customers sorted by id);
    - stop: once the summed squared centroid shift of a round is at most
      `tol`, the centroids stay as they are (the later rounds still run, as
      SQL cannot leave a loop, but change nothing). `tol` none: all rounds
      move the centroids.
#}
{% macro kmeans_lloyd(
    points, initial_centroids, features, k, iterations, tol=none,
    index_column='customer_index', portable=false
) %}
    {#- portable: the engine-independent SQL (default__ variants) on any
        engine, so DuckDB can check what Spark runs -#}
    {%- if portable %}
        {%- set farthest_rank = default__kmeans_farthest_rank %}
        {%- set farthest_points = default__kmeans_farthest_points %}
        {%- set farthest_point = default__kmeans_farthest_point %}
    {%- else %}
        {%- set farthest_rank = kmeans_farthest_rank %}
        {%- set farthest_points = kmeans_farthest_points %}
        {%- set farthest_point = kmeans_farthest_point %}
    {%- endif %}
    {%- set names = features | map(attribute='name') | list -%}
    {%- set centroid_columns = [] -%}
    {%- for j in range(k) -%}
        {%- for name in names -%}
            {%- do centroid_columns.append('centroid_' ~ j ~ '_' ~ name) -%}
        {%- endfor -%}
    {%- endfor -%}
    {%- set state_columns = ['is_converged', 'converged_iteration',
        'last_shift'] -%}
    {#- what every round carries through unchanged until it moves the
        centroids, and the moved ones -#}
    {%- set carried = centroid_columns + state_columns -%}
    {%- set updated_columns = [] -%}
    {%- for column in centroid_columns -%}
        {%- do updated_columns.append('updated' ~ column[8:]) -%}
    {%- endfor -%}
with

points as (

    select
        {{ index_column }},
        {{ names | join(',\n        ') }}
    from {{ points }}

),

initial_centroids as (

    select
        cluster_index,
        {{ names | join(',\n        ') }}
    from {{ initial_centroids }}

),

centroids_0 as (

    select
        {%- for j in range(k) %}
            {%- for name in names %}
        max(case when cluster_index = {{ j }} then {{ name }} end)
            as centroid_{{ j }}_{{ name }},
            {%- endfor %}
        {%- endfor %}
        0 as is_converged,
        cast(null as integer) as converged_iteration,
        cast(null as double) as last_shift
    from initial_centroids

),
{%- for i in range(1, iterations + 1) %}

distances_{{ i }} as (

    select
        points.{{ index_column }},
        {%- for name in names %}
        points.{{ name }},
        {%- endfor %}
        {%- for column in carried %}
        centroids.{{ column }},
        {%- endfor %}
        {{- kmeans_squared_distances(features, k, 'points', 'centroids') }}
    from points
    cross join centroids_{{ i - 1 }} as centroids

),

assigned_{{ i }} as (

    select
        {{ index_column }},
        {{ (names + carried) | join(',\n        ') }},
        {{- farthest_rank(index_column, kmeans_min_distance(k)) }}
        {{ kmeans_nearest_centroid(k) }} as cluster_index,
        {{ kmeans_min_distance(k) }} as squared_distance
    from distances_{{ i }}

),

summary_{{ i }} as (

    select
        {%- for column in carried %}
        max({{ column }}) as {{ column }},
        {%- endfor %}
        {%- for j in range(k) %}
            {#- the number of empty clusters up to j: the rank of the far
                point an empty cluster j moves to -#}
            {%- set empties = [] -%}
            {%- for m in range(j + 1) -%}
                {%- do empties.append('case when count(case when cluster_index = '
                    ~ m ~ ' then 1 end) = 0 then 1 else 0 end') -%}
            {%- endfor %}
        {{ empties | join('\n        + ') }} as empty_rank_{{ j }},
        count(case when cluster_index = {{ j }} then 1 end) as size_{{ j }},
            {%- for name in names %}
        avg(case when cluster_index = {{ j }} then {{ name }} end)
            as mean_{{ j }}_{{ name }},
            {%- endfor %}
        {%- endfor %}
        {{- farthest_points(names, k, index_column) }}
        count(*) as points_count
    from assigned_{{ i }}

),

updated_{{ i }} as (

    select
        {{ carried | join(',\n        ') }},
        {%- for j in range(k) %}
            {%- for name in names %}
        case
            when size_{{ j }} > 0 then mean_{{ j }}_{{ name }}
            else
                case empty_rank_{{ j }}
                {%- for rank in range(1, k) %}
                    when {{ rank }}
                        then {{ farthest_point(rank, name) }}
                {%- endfor %}
                end
        end as updated_{{ j }}_{{ name }}{{ ',' if not loop.last }}
            {%- endfor %}{{ ',' if not loop.last }}
        {%- endfor %}
    from summary_{{ i }}

),

shifted_{{ i }} as (

    select
        {{ (carried + updated_columns) | join(',\n        ') }},
        {%- set terms = [] -%}
        {%- for j in range(k) -%}
            {%- for name in names -%}
                {%- set diff = '(updated_' ~ j ~ '_' ~ name ~ ' - centroid_'
                    ~ j ~ '_' ~ name ~ ')' -%}
                {%- do terms.append(diff ~ ' * ' ~ diff) -%}
            {%- endfor -%}
        {%- endfor %}
        {{ terms | join('\n        + ') }} as shift
    from updated_{{ i }}

),

centroids_{{ i }} as (

    select
        {%- for j in range(k) %}
            {%- for name in names %}
        case
            when is_converged = 1 then centroid_{{ j }}_{{ name }}
            else updated_{{ j }}_{{ name }}
        end as centroid_{{ j }}_{{ name }},
            {%- endfor %}
        {%- endfor %}
        {%- if tol is none %}
        0 as is_converged,
        cast(null as integer) as converged_iteration,
        {%- else %}
        case
            when is_converged = 1 or shift <= {{ tol }} then 1 else 0
        end as is_converged,
        coalesce(
            converged_iteration,
            case when shift <= {{ tol }} then {{ i }} end
        ) as converged_iteration,
        {%- endif %}
        case when is_converged = 1 then last_shift else shift end as last_shift
    from shifted_{{ i }}

),
{%- endfor %}

clusters_features as (
    {%- for j in range(k) %}
        {%- set outer = loop %}
        {%- for name in names %}

    select
        {{ j }} as cluster_index,
        '{{ name }}' as feature_name
        {%- if not (outer.last and loop.last) %}
    union all
        {%- endif %}
        {%- endfor %}
    {%- endfor %}

),

final as (

    select
        clusters_features.cluster_index,
        clusters_features.feature_name,
        case
        {%- for j in range(k) %}
            {%- for name in names %}
            when clusters_features.cluster_index = {{ j }}
                and clusters_features.feature_name = '{{ name }}'
                then centroids.centroid_{{ j }}_{{ name }}
            {%- endfor %}
        {%- endfor %}
        end as centroid_z,
        {{ iterations }} as iterations,
        centroids.converged_iteration,
        centroids.last_shift
    from centroids_{{ iterations }} as centroids
    cross join clusters_features

)

select * from final
{%- endmacro %}
