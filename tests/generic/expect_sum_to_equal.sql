{#
    A column sums to `expected` (SQL; within `tolerance`, default exact)
    over the whole model, or within each group of `group_by` columns; e.g.
    budgets that must add up to the campaign budget. Fails with each group
    that does not, its sum, the difference and a failure_reason.
#}
{% test expect_sum_to_equal(
    model, column_name, expected, group_by=[], tolerance=0
) %}
{{ sum_errors(model, column_name, expected, group_by, tolerance) }}
{% endtest %}
