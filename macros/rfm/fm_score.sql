{#
    The combined frequency-and-monetary score the segment rules read: the
    mean of F and M, rounded half up (F 4 and M 5 give 5; F 1 and M 2 give 2).
#}
{% macro fm_score(f_score, m_score) %}
    cast(floor(({{ f_score }} + {{ m_score }} + 1) / 2.0) as integer)
{%- endmacro %}
