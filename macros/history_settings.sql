{#
    The vars that set the as-of dates of the segment history, checked:
    returns {as_of_dates: none or a list of 'YYYY-MM-DD' texts,
    frequency: week | month | quarter | year, max_as_of_dates: 1 .. 1000}.
    A value the models cannot use stops the build at compile time with a
    message naming the var. Whether the dates fall inside the data is checked
    when the data is read (int_history_as_of_dates_resolved).
#}
{% macro history_settings() %}
    {%- set dates = var('history_as_of_dates', none) -%}
    {%- set frequency = var('history_frequency', 'month') -%}
    {%- set max_dates = var('history_max_as_of_dates', 60) -%}

    {%- if dates is none or dates == '' -%}
        {%- set checked_dates = none -%}
    {%- elif dates is string or dates is not iterable or dates is mapping
        or dates | length == 0 -%}
        {{ exceptions.raise_compiler_error(
            "var history_as_of_dates is '" ~ dates ~ "': use null (one date "
            ~ "per period of var history_frequency) or a non-empty list of "
            ~ "dates, e.g. ['2011-06-01', '2011-12-01']."
        ) }}
    {%- else -%}
        {%- set checked_dates = [] -%}
        {%- for value in dates -%}
            {%- set text = value | string -%}
            {%- if not modules.re.match('^[0-9]{4}-[0-9]{2}-[0-9]{2}$', text) -%}
                {{ exceptions.raise_compiler_error(
                    "var history_as_of_dates has '" ~ text ~ "', which is "
                    ~ "not a date: write each as YYYY-MM-DD."
                ) }}
            {%- endif -%}
            {%- do modules.datetime.datetime.strptime(text, '%Y-%m-%d') -%}
            {%- if text not in checked_dates -%}
                {%- do checked_dates.append(text) -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endif -%}

    {%- if frequency not in ['week', 'month', 'quarter', 'year'] -%}
        {{ exceptions.raise_compiler_error(
            "var history_frequency is '" ~ frequency ~ "': use week, month, "
            ~ "quarter or year."
        ) }}
    {%- endif -%}

    {%- if max_dates is not number or max_dates != max_dates | int
        or max_dates < 1 or max_dates > 1000 -%}
        {{ exceptions.raise_compiler_error(
            "var history_max_as_of_dates is '" ~ max_dates ~ "': use a whole "
            ~ "number from 1 to 1000."
        ) }}
    {%- endif -%}

    {{- return({
        'as_of_dates': checked_dates,
        'frequency': frequency,
        'max_as_of_dates': max_dates | int,
    }) -}}
{% endmacro %}
