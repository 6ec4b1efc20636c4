{#
    At most `max_share` (0..1) of the model's rows are flagged, a row being
    flagged when `column_name` is not null (e.g. a quarantine reason). Put on
    the model where the flag is set, so that when it fails `dbt build` skips
    everything built from it. Fails with the counts and the share.
#}
{% test expect_flagged_share_at_most(model, column_name, max_share) %}

with

totals as (

    select
        count(*) as total_rows,
        count({{ column_name }}) as flagged_rows
    from {{ model }}

),

validation_errors as (

    select
        total_rows,
        flagged_rows,
        flagged_rows * 1.0 / total_rows as flagged_share,
        {{ max_share }} as max_share
    from totals
    where flagged_rows * 1.0 / nullif(total_rows, 0) > {{ max_share }}

)

select * from validation_errors
{% endtest %}
