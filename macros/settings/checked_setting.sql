{#
    One var's value checked against its rule (a dict; see settings()):
    returns the value as the models use it, or stops the build at compile
    time naming the var, the value and what it accepts. Kinds:
      whole    a whole number within min..max (`unit` names it);
      number   a number within min..max, or above / below a bound;
      share    a number within 0..1 (`exclusive`: strictly between);
      choice   one of `values` (`meanings` says what each does);
      boolean  true or false;
      date     a 'YYYY-MM-DD' text, returned as that text;
      text     a text matching `pattern` (`numbers`: a number is read as
               its digits), described by `as`;
      list     a non-empty list (`empty`: may be empty; `one`: a single
               item counts as a list of one) whose items follow `item`,
               returned without repeats.
    `null` (what null means) lets null, or an empty text, through as none;
    `hint` adds a word of advice to the message.
#}
{% macro checked_setting(name, value, rule) %}
    {%- set kind = rule['kind'] -%}
    {%- if value is none or value == '' -%}
        {%- if 'null' in rule -%}
            {{- return(none) -}}
        {%- endif -%}
    {%- elif kind == 'list' -%}
        {%- set items = [value] if rule.get('one') and value is string
            else value -%}
        {%- if items is not string and items is not mapping
            and items is iterable
            and (items | length > 0 or rule.get('empty')) -%}
            {%- set checked = [] -%}
            {%- for item in items -%}
                {%- set kept = checked_setting_value(
                    name, item, rule.get('item', {'kind': 'any'}), true
                ) -%}
                {%- if kept not in checked -%}
                    {%- do checked.append(kept) -%}
                {%- endif -%}
            {%- endfor -%}
            {{- return(checked) -}}
        {%- endif -%}
    {%- else -%}
        {{- return(checked_setting_value(name, value, rule, false)) -}}
    {%- endif -%}
    {{ exceptions.raise_compiler_error(
        "var " ~ name ~ " is '" ~ value ~ "': use " ~ setting_accepts(rule)
        ~ "."
    ) }}
{% endmacro %}

{#- A single value (a var, or an item of a list var) checked by kind. #}
{% macro checked_setting_value(name, value, rule, in_list) %}
    {%- set kind = rule['kind'] -%}
    {%- set is_number = value is number and value is not boolean -%}
    {%- if kind == 'any' -%}
        {{- return(value) -}}
    {%- elif kind == 'whole' -%}
        {%- if is_number and value == value | int
            and (rule.get('min') is none or value >= rule['min'])
            and (rule.get('max') is none or value <= rule['max']) -%}
            {{- return(value | int) -}}
        {%- endif -%}
    {%- elif kind in ['number', 'share'] -%}
        {%- set low = 0 if kind == 'share' else rule.get('min', rule.get('above')) -%}
        {%- set high = 1 if kind == 'share' else rule.get('max', rule.get('below')) -%}
        {%- set open_low = rule.get('exclusive') or 'above' in rule -%}
        {%- set open_high = rule.get('exclusive') or 'below' in rule -%}
        {%- if is_number
            and (low is none or value > low or (value == low and not open_low))
            and (high is none or value < high
                or (value == high and not open_high)) -%}
            {{- return(value) -}}
        {%- endif -%}
    {%- elif kind == 'choice' -%}
        {%- if value in rule['values'] -%}
            {{- return(value) -}}
        {%- endif -%}
    {%- elif kind == 'boolean' -%}
        {%- if value is sameas true or value is sameas false -%}
            {{- return(value) -}}
        {%- endif -%}
    {%- elif kind == 'date' -%}
        {%- set text = value | string -%}
        {%- if modules.re.match('^[0-9]{4}-[0-9]{2}-[0-9]{2}$', text) -%}
            {%- do modules.datetime.datetime.strptime(text, '%Y-%m-%d') -%}
            {{- return(text) -}}
        {%- endif -%}
        {{ exceptions.raise_compiler_error(
            "var " ~ name ~ (" has '" ~ text ~ "', which" if in_list
                else " '" ~ text ~ "'")
            ~ " is not a date: write " ~ ("each" if in_list else "it")
            ~ " as YYYY-MM-DD" ~ (", or null " ~ rule['null']
                if 'null' in rule else "") ~ "."
        ) }}
    {%- elif kind == 'text' -%}
        {%- set text = value | string if rule.get('numbers') and is_number
            else value -%}
        {%- if text is string and text != ''
            and modules.re.match(rule.get('pattern', '.'), text) -%}
            {{- return(text) -}}
        {%- endif -%}
    {%- endif -%}
    {%- if in_list -%}
        {{ exceptions.raise_compiler_error(
            "var " ~ name ~ " has '" ~ value ~ "': use "
            ~ setting_accepts(rule) ~ " in the list."
        ) }}
    {%- endif -%}
    {{ exceptions.raise_compiler_error(
        "var " ~ name ~ " is '" ~ value ~ "': use " ~ setting_accepts(rule)
        ~ "."
    ) }}
{% endmacro %}

{#- What a rule accepts, in words, for the messages. #}
{% macro setting_accepts(rule) %}
    {%- set kind = rule['kind'] -%}
    {%- set low = rule.get('min', rule.get('above')) -%}
    {%- set high = rule.get('max', rule.get('below')) -%}
    {%- if kind == 'whole' and high is not none -%}
        {%- set words = 'a whole number from ' ~ low ~ ' to ' ~ high -%}
    {%- elif kind == 'whole' -%}
        {%- set words = 'a whole number' ~ (' of ' ~ rule['unit']
            if rule.get('unit') else '') ~ ' (' ~ low ~ ' or more)' -%}
    {%- elif kind == 'share' -%}
        {%- set words = 'a share between 0 and 1'
            ~ (' (exclusive)' if rule.get('exclusive') else '') -%}
    {%- elif kind == 'number' and high is not none -%}
        {%- set words = 'a number from ' ~ low ~ ' to ' ~ high -%}
    {%- elif kind == 'number' -%}
        {%- set words = 'a number ' ~ ('above ' ~ low if 'above' in rule
            else 'of at least ' ~ low) -%}
    {%- elif kind == 'choice' -%}
        {%- set named = [] -%}
        {%- for choice in rule['values'] -%}
            {%- do named.append(choice ~ (' (' ~ rule['meanings'][choice] ~ ')'
                if rule.get('meanings') else '')) -%}
        {%- endfor -%}
        {%- set words = named[:-1] | join(', ') ~ ' or ' ~ named[-1] -%}
    {%- elif kind == 'boolean' -%}
        {%- set words = 'true or false' -%}
    {%- elif kind == 'date' -%}
        {%- set words = 'a date as YYYY-MM-DD' -%}
    {%- elif kind == 'list' -%}
        {%- set words = ('a list' if rule.get('empty') else 'a non-empty list')
            ~ ' of ' ~ (rule['as'] if rule.get('as')
                else setting_accepts(rule.get('item', {'kind': 'any'}))) -%}
    {%- else -%}
        {%- set words = rule.get('as', 'a value') -%}
    {%- endif -%}
    {%- if kind != 'list' and rule.get('as') and kind != 'text' -%}
        {%- set words = words ~ ' (' ~ rule['as'] ~ ')' -%}
    {%- endif -%}
    {%- if 'null' in rule -%}
        {%- set words = words ~ ', or null ' ~ rule['null'] -%}
    {%- endif -%}
    {%- if rule.get('hint') -%}
        {%- set words = words ~ ' (' ~ rule['hint'] ~ ')' -%}
    {%- endif -%}
    {{- return(words) -}}
{% endmacro %}
