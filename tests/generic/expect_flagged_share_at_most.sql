{#
    At most `max_share` (0..1) of the model's rows are flagged, a row being
    flagged when `column_name` is not null (e.g. a quarantine reason);
    `where` limits the rows judged (e.g. the lines up to the as-of date).
    Put on the model where the flag is set, so that when it fails `dbt
    build` skips everything built from it. Fails with the counts, the
    share, the three commonest flags and a failure_reason naming `var_name`,
    the var that sets the threshold.
#}
{% test expect_flagged_share_at_most(
    model, column_name, max_share, where=none, var_name=none, rows='rows'
) %}
{%- set string = dbt.type_string() %}
{%- set observed -%}
    {{ percent_text('flagged_rows', 'total_rows') }}
    || '% of ' || cast(total_rows as {{ string }})
    || ' {{ rows }} flagged in {{ column_name }} ('
    || coalesce(commonest_flags, '') || ')'
{%- endset %}

with

judged as (

    select {{ column_name }} as flag
    from {{ model }}
    {%- if where %}
    where {{ where }}
    {%- endif %}

),

totals as (

    select
        count(*) as total_rows,
        count(flag) as flagged_rows
    from judged

),

commonest as (

    select
        flag,
        count(*) as flagged_rows,
        row_number() over (order by count(*) desc, flag) as flag_rank
    from judged
    where flag is not null
    group by flag

),

flags as (

    select
        {{ dbt.listagg(
            "cast(flag as " ~ string ~ ") || ' ' || cast(flagged_rows as "
            ~ string ~ ")",
            "', '",
            "order by flag_rank"
        ) }} as commonest_flags
    from commonest
    where flag_rank <= 3

),

shares as (

    select
        totals.total_rows,
        totals.flagged_rows,
        totals.flagged_rows * 1.0 / nullif(totals.total_rows, 0)
            as flagged_share,
        {{ max_share }} as max_share,
        flags.commonest_flags
    from totals
    cross join flags

),

validation_errors as (

    {{ bound_errors(
        'shares', 'flagged_share', observed,
        max_value=max_share,
        max_name='var ' ~ var_name if var_name else 'max_share',
        cast_bounds=true
    ) }}

)

select * from validation_errors
{% endtest %}
