{#
    A share column sums to 1 (within `tolerance`) over the whole model, or
    within each group of `group_by` columns. Fails with each group that does
    not, its sum and a failure_reason saying so.
#}
{% test expect_shares_to_sum_to_one(
    model, column_name, group_by=[], tolerance=0.000001
) %}
{{ sum_errors(
    model, column_name, 1, group_by, tolerance,
    sum_name='share_sum',
    subject='shares in ' ~ column_name,
    verb='sum',
    tail=': a row is missing or counted twice'
) }}
{% endtest %}
