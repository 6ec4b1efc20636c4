{#
    Every var the SQL reads, checked once and handed out as a dict keyed by
    the var's name: `settings().alert_lost_days`. The defaults live in
    dbt_project.yml only (docs/settings.md lists them), those of var
    clustering in src/segmentation/clustering/config.py only; here is what
    each var accepts. A value the models cannot use stops the build at compile
    time with a message naming the var and what it accepts
    (checked_setting). Also some values derived from them:
      missing_values      var missing_value_placeholders lower-cased and
                          trimmed, with the empty text first;
      sql_kmeans_rounds   var sql_kmeans_iterations, null resolved per engine.
      clustering          var clustering over the default of every K-means
                          setting (clustering_settings, written from their
                          declarations in src/segmentation/clustering/
                          config.py), for the quality gates and the SQL
                          K-means (kmeans_sql_settings checks its features).
    Vars read only by other code are checked there: the inputs' specs by
    the reader (macros/inputs/), the K-means settings' values and the
    Python models' settings by their Python modules. The feature switches are not vars of
    dbt_project.yml but flags of its folder configs: macro is_built.
#}
{% macro settings() %}
    {%- set days = 'days' -%}
    {%- set rules = {
        'missing_value_placeholders': {'kind': 'list', 'empty': true,
            'null': '(no placeholder)',
            'as': 'texts read as missing, e.g. ["NULL", "N/A"]'},
        'id_leading_zeros': {'kind': 'choice', 'values': ['keep', 'strip'],
            'meanings': {'keep': "'00123' and '123' are different ids",
                'strip': 'they are one'}},
        'return_order_pattern': {'kind': 'text',
            'as': "a regular expression over the order id (e.g. '^C[0-9]')",
            'null': 'for none'},
        'returns_from_negative_quantity': {'kind': 'boolean'},
        'return_line_share_warn': {'kind': 'share'},
        'return_line_share_error': {'kind': 'share'},
        'return_only_customer_share_warn': {'kind': 'share'},
        'return_only_customer_share_error': {'kind': 'share'},
        'reporting_currency': {'kind': 'text', 'pattern': '^[A-Za-z]{3}$',
            'as': 'a three-letter ISO 4217 code such as GBP, EUR or USD'},
        'currency_rates': {'kind': 'text', 'as': 'the name of a table or view',
            'null': '(seed currency_rates)'},
        'timestamp_formats': {'kind': 'list', 'one': true,
            'item': {'kind': 'text', 'as': 'a strptime format'},
            'as': 'strptime formats (e.g. ["%Y-%m-%d %H:%M:%S"])'},
        'as_of_date': {'kind': 'date',
            'null': 'for the day after the last order'},
        'lookback_days': {'kind': 'whole', 'min': 1, 'unit': days,
            'null': 'to count all history'},
        'min_order_date': {'kind': 'date'},
        'max_quarantine_share': {'kind': 'share'},
        'rfm_tie_policy': {'kind': 'choice', 'values': ['value', 'row'],
            'meanings': {'value': 'equal values share a score',
                'row': 'plain NTILE'}},
        'rfm_buckets': {'kind': 'whole', 'min': 2, 'max': 10,
            'hint': '5 is what the segment rules are written for'},
        'cluster_gate_severity': {'kind': 'choice', 'values': ['error', 'warn'],
            'meanings': {'error': 'a failed gate stops the build',
                'warn': 'it only reports'}},
        'sql_kmeans_k': {'kind': 'whole', 'min': 1, 'max': 10},
        'sql_kmeans_iterations': {'kind': 'whole', 'min': 1, 'max': 100,
            'null': 'for 30 on DuckDB and 8 elsewhere'},
        'sql_kmeans_tol': {'kind': 'number', 'min': 0,
            'null': 'to move the centroids every round'},
        'history_as_of_dates': {'kind': 'list', 'item': {'kind': 'date'},
            'as': "dates, e.g. ['2011-06-01', '2011-12-01']",
            'null': '(one date per period of var history_frequency)'},
        'history_frequency': {'kind': 'choice',
            'values': ['week', 'month', 'quarter', 'year']},
        'history_max_as_of_dates': {'kind': 'whole', 'min': 1, 'max': 1000},
        'segment_drift_psi_warn': {'kind': 'number', 'min': 0},
        'segment_drift_psi_error': {'kind': 'number', 'min': 0},
        'segment_drift_min_customers': {'kind': 'whole', 'min': 1,
            'unit': 'customers'},
        'alert_inactive_days': {'kind': 'whole', 'min': 1, 'unit': days},
        'alert_lost_days': {'kind': 'whole', 'min': 1, 'unit': days},
        'alert_aov_drop_share': {'kind': 'share', 'exclusive': true,
            'hint': '0.2 = a fall of more than 20%'},
        'alert_aov_period_days': {'kind': 'whole', 'min': 1, 'unit': days},
        'alert_top_segments': {'kind': 'list',
            'item': {'kind': 'text', 'as': 'a segment name'},
            'as': 'segment names of seed segment_definitions'},
        'campaign_budget': {'kind': 'number', 'min': 0.01,
            'as': 'in var reporting_currency'},
        'campaign_interval_z': {'kind': 'number', 'above': 0,
            'hint': '1.959963984540054 = 95%'},
        'audience_platforms': {'kind': 'list',
            'item': {'kind': 'choice', 'values': ['google', 'meta']},
            'as': 'google and meta'},
        'audience_segments': {'kind': 'list',
            'item': {'kind': 'text', 'as': 'a segment name'},
            'as': "segment names, e.g. ['Champions', 'At Risk']",
            'null': '(every segment of seed segment_definitions)'},
        'audience_clusters': {'kind': 'boolean'},
        'audience_phone_default_country_code': {'kind': 'text',
            'pattern': '^[+]?[1-9][0-9]{0,2}$', 'numbers': true,
            'as': 'the country calling code in digits, e.g. "44" (United '
                ~ 'Kingdom) or "1" (USA, Canada)',
            'null': '(national numbers are not used)'},
        'audience_consent': {'kind': 'choice',
            'values': ['auto', 'required', 'not_required']},
        'clv_holdout_days': {'kind': 'whole', 'min': 1, 'max': 3660,
            'null': 'for no holdout validation'},
        'clv_validation_buckets': {'kind': 'whole', 'min': 1, 'max': 50},
        'clv_likely_lost_p_alive': {'kind': 'share', 'exclusive': true},
        'churn_alert_monthly_rate': {'kind': 'share', 'exclusive': true},
        'churn_alert_min_customers': {'kind': 'whole', 'min': 1,
            'unit': 'customers'},
        'refresh_from_stored': {'kind': 'boolean'},
        'campaign_budget_basis': {'kind': 'choice',
            'values': ['customers', 'predicted_clv'],
            'meanings': {'customers': 'budget_weight x customers',
                'predicted_clv': "budget_weight x the segment's predicted CLV"}},
    } -%}
    {%- set checked = {} -%}
    {%- for name, rule in rules.items() -%}
        {%- do checked.update({name: checked_setting(name, var(name), rule)}) -%}
    {%- endfor -%}
    {%- do checked.update({
        'clv_parameters': checked_clv_parameters(var('clv_parameters')),
    }) -%}

    {#- Settings that must agree with each other. -#}
    {%- for first, second, why in [
        ('return_line_share_warn', 'return_line_share_error',
            'the warning must come first'),
        ('return_only_customer_share_warn', 'return_only_customer_share_error',
            'the warning must come first'),
        ('segment_drift_psi_warn', 'segment_drift_psi_error',
            'the warning must come first'),
        ('alert_inactive_days', 'alert_lost_days',
            'inactive comes before lost'),
    ] if checked[first] > checked[second]
        or (first == 'alert_inactive_days' and checked[first] == checked[second])
    -%}
        {{ exceptions.raise_compiler_error(
            "var " ~ first ~ " (" ~ checked[first] ~ ") must be below var "
            ~ second ~ " (" ~ checked[second] ~ "): " ~ why ~ "."
        ) }}
    {%- endfor -%}

    {%- set missing = [''] -%}
    {%- for text in checked['missing_value_placeholders'] or [] -%}
        {%- set lowered = text | string | trim | lower -%}
        {%- if lowered not in missing -%}
            {%- do missing.append(lowered) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- set code = checked['audience_phone_default_country_code'] -%}
    {#- Spark plans the unrolled rounds as one query: at 30 its driver ran
        out of heap while planning, 8 plan in about a minute. -#}
    {%- set rounds = checked['sql_kmeans_iterations']
        or (30 if target.type == 'duckdb' else 8) -%}
    {%- do checked.update({
        'reporting_currency': checked['reporting_currency'] | upper,
        'audience_phone_default_country_code':
            none if code is none else code | replace('+', ''),
        'missing_values': missing,
        'sql_kmeans_rounds': rounds,
        'clustering': clustering_settings(),
    }) -%}
    {{- return(checked) -}}
{% endmacro %}

{#- var clv_parameters: none, or {bg_nbd: {r, alpha, a, b}, gamma_gamma:
    {p, q, v}} of numbers above 0 with q above 1. #}
{% macro checked_clv_parameters(parameters) %}
    {%- if parameters is none -%}
        {{- return(none) -}}
    {%- endif -%}
    {%- set expected = {
        'bg_nbd': ['r', 'alpha', 'a', 'b'],
        'gamma_gamma': ['p', 'q', 'v'],
    } -%}
    {%- if parameters is not mapping
        or parameters.keys() | list | sort != ['bg_nbd', 'gamma_gamma'] -%}
        {{ exceptions.raise_compiler_error(
            "var clv_parameters is '" ~ parameters ~ "': use null (fit on the "
            ~ "data) or a mapping of bg_nbd (r, alpha, a, b) and gamma_gamma "
            ~ "(p, q, v) with the values of an earlier build, as in its "
            ~ "clv_model_parameters."
        ) }}
    {%- endif -%}
    {%- for model, names in expected.items() -%}
        {%- set given = parameters[model] -%}
        {%- if given is not mapping or given.keys() | list | sort != names | sort -%}
            {{ exceptions.raise_compiler_error(
                "var clv_parameters." ~ model ~ " is '" ~ given
                ~ "': give exactly " ~ names | join(', ') ~ "."
            ) }}
        {%- endif -%}
        {%- for name in names
            if given[name] is not number or given[name] is boolean
            or given[name] <= 0 -%}
            {{ exceptions.raise_compiler_error(
                "var clv_parameters." ~ model ~ "." ~ name ~ " is '"
                ~ given[name] ~ "': use a number above 0."
            ) }}
        {%- endfor -%}
    {%- endfor -%}
    {%- if parameters.gamma_gamma.q <= 1 -%}
        {{ exceptions.raise_compiler_error(
            "var clv_parameters.gamma_gamma.q is '" ~ parameters.gamma_gamma.q
            ~ "': use a number above 1 (the mean order value is p v / (q - 1))."
        ) }}
    {%- endif -%}
    {{- return(parameters) -}}
{% endmacro %}
