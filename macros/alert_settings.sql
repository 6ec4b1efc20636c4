{#
    The vars of customer_alerts, checked: returns {inactive_days, lost_days,
    aov_drop_share, aov_period_days, top_segments}. A value the model cannot
    use stops the build at compile time with a message naming the var.
    Whether the top segments exist in seed segment_definitions is checked
    when the model runs.
#}
{% macro alert_settings() %}
    {%- set inactive = var('alert_inactive_days', 90) -%}
    {%- set lost = var('alert_lost_days', 180) -%}
    {%- set drop_share = var('alert_aov_drop_share', 0.2) -%}
    {%- set period = var('alert_aov_period_days', 90) -%}
    {%- set top = var('alert_top_segments', ['Champions', 'Loyal']) -%}

    {%- for name, value in [
        ('alert_inactive_days', inactive),
        ('alert_lost_days', lost),
        ('alert_aov_period_days', period),
    ] -%}
        {%- if value is not number or value != value | int or value < 1 -%}
            {{ exceptions.raise_compiler_error(
                "var " ~ name ~ " is '" ~ value ~ "': use a whole number of "
                ~ "days (1 or more)."
            ) }}
        {%- endif -%}
    {%- endfor -%}
    {%- if inactive >= lost -%}
        {{ exceptions.raise_compiler_error(
            "var alert_inactive_days (" ~ inactive ~ ") must be below var "
            ~ "alert_lost_days (" ~ lost ~ "): inactive comes before lost."
        ) }}
    {%- endif -%}
    {%- if drop_share is not number or drop_share <= 0 or drop_share >= 1 -%}
        {{ exceptions.raise_compiler_error(
            "var alert_aov_drop_share is '" ~ drop_share ~ "': use a share "
            ~ "between 0 and 1 (0.2 = a fall of more than 20%)."
        ) }}
    {%- endif -%}
    {%- if top is string or top is not iterable or top is mapping
        or top | length == 0 -%}
        {{ exceptions.raise_compiler_error(
            "var alert_top_segments is '" ~ top ~ "': use a non-empty list "
            ~ "of segment names of seed segment_definitions."
        ) }}
    {%- endif -%}

    {{- return({
        'inactive_days': inactive | int,
        'lost_days': lost | int,
        'aov_drop_share': drop_share,
        'aov_period_days': period | int,
        'top_segments': top | unique | list,
    }) -}}
{% endmacro %}
