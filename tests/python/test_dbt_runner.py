"""The test runner, and the publish's parse cache, share one parse of the
project between dbt runs whose vars differ only in COMPILE_TIME_VARS. That
is only right if those vars never change what a parse produces: which
nodes exist, their configs, their dependencies and their test arguments.
Parse with every one of them changed and compare."""

from __future__ import annotations

import contextlib
import io
import json
import os

import pytest
import yaml
from dbt_project_runner import COMPILE_TIME_VARS, PROJECT_DIR

# A value other than the default for every var of COMPILE_TIME_VARS.
OTHER_VALUES = {
    "order_inputs": [{"name": "elsewhere", "path": "elsewhere/*.csv"}],
    "as_of_date": "2011-01-01",
    "lookback_days": 30,
    "min_order_date": "2001-01-01",
    "timestamp_formats": ["%d/%m/%Y %H:%M"],
    "return_order_pattern": "^R-",
    "missing_value_placeholders": ["?"],
    "id_leading_zeros": "strip",
    "returns_from_negative_quantity": False,
    "return_line_share_warn": 0.3,
    "return_line_share_error": 0.6,
    "return_only_customer_share_warn": 0.2,
    "return_only_customer_share_error": 0.3,
    "reporting_currency": "EUR",
    "max_quarantine_share": 0.9,
    "rfm_tie_policy": "row",
    "history_as_of_dates": ["2011-01-01"],
    "history_frequency": "week",
    "history_max_as_of_dates": 3,
    "segment_drift_psi_warn": 0.5,
    "segment_drift_psi_error": 0.9,
    "segment_drift_min_customers": 7,
    "alert_inactive_days": 10,
    "alert_lost_days": 20,
    "alert_aov_drop_share": 0.5,
    "alert_aov_period_days": 7,
    "campaign_budget": 5,
    "campaign_interval_z": 2.5,
    "campaign_responses": {"path": "x.csv", "id": "customer", "response": "r"},
    "rfm_buckets": 4,
    "alert_top_segments": ["Champions"],
    "audience_platforms": ["google"],
    "audience_clusters": False,
    "audience_phone_default_country_code": None,
    "audience_consent": "required",
    "clv_validation_buckets": 5,
    "clv_likely_lost_p_alive": 0.3,
    "churn_alert_monthly_rate": 0.2,
    "churn_alert_min_customers": 1,
    "sql_kmeans_k": 3,
    "sql_kmeans_iterations": 5,
    "sql_kmeans_tol": None,
}


def parsed(tmp_path, dbt_vars: dict | None):
    """The manifest of a fresh parse with `dbt_vars`."""
    from dbt.cli.main import dbtRunner

    args = [
        "parse",
        "--project-dir",
        str(PROJECT_DIR),
        "--profiles-dir",
        str(PROJECT_DIR),
        "--target-path",
        str(tmp_path / "target"),
        "--log-path",
        str(tmp_path / "logs"),
        "--no-partial-parse",
    ]
    if dbt_vars:
        args += ["--vars", json.dumps(dbt_vars)]
    cwd = os.getcwd()
    os.chdir(PROJECT_DIR)
    try:
        with contextlib.redirect_stdout(io.StringIO()) as out:
            result = dbtRunner().invoke(args)
    finally:
        os.chdir(cwd)
    assert result.success, out.getvalue()
    return result.result


def what_runs(manifest) -> dict:
    """Everything of a parse that decides what a run builds and tests."""
    shape = {}
    for unique_id, node in {**manifest.nodes, **manifest.unit_tests}.items():
        metadata = getattr(node, "test_metadata", None)
        shape[unique_id] = {
            "config": node.config.to_dict(),
            "depends_on": sorted(getattr(node.depends_on, "nodes", [])),
            "macros": sorted(getattr(node.depends_on, "macros", [])),
            "kwargs": metadata.kwargs if metadata else None,
        }
    disabled = sorted(manifest.disabled)
    return {"nodes": shape, "disabled": disabled}


def test_every_compile_time_var_has_another_value_and_exists():
    project_vars = yaml.safe_load((PROJECT_DIR / "dbt_project.yml").read_text())["vars"]
    assert set(OTHER_VALUES) == set(COMPILE_TIME_VARS)
    assert not COMPILE_TIME_VARS - set(project_vars), "stale names in the list"
    for name, value in OTHER_VALUES.items():
        assert value != project_vars[name], name


# Every feature on, the K-means in SQL too (off on DuckDB by default), so
# that every node that reads one of the vars is compared.
ALL_ON = {"sql_kmeans_enabled": True}


@pytest.fixture(scope="module")
def default_parse(tmp_path_factory) -> dict:
    return what_runs(parsed(tmp_path_factory.mktemp("default"), ALL_ON))


def test_compile_time_vars_do_not_change_the_parse(tmp_path, default_parse):
    default = default_parse
    assert "model.customer_segmentation.cluster_centroids_sql" in default["nodes"]
    changed = what_runs(parsed(tmp_path / "changed", ALL_ON | OTHER_VALUES))
    assert default["disabled"] == changed["disabled"]
    assert default["nodes"].keys() == changed["nodes"].keys()
    differing = [
        unique_id
        for unique_id in default["nodes"]
        if default["nodes"][unique_id] != changed["nodes"][unique_id]
    ]
    assert differing == []


def test_a_parse_time_var_does_change_it(tmp_path, default_parse):
    """The comparison above can fail: a var that disables models changes
    the parse, and so does one that decides what a model reads."""
    default = default_parse
    other = {"history_enabled": False, "campaign_budget_basis": "predicted_clv"}
    changed = what_runs(parsed(tmp_path / "changed", ALL_ON | other))
    assert default["nodes"].keys() != changed["nodes"].keys()
    budget = "model.customer_segmentation.segment_budget"
    assert default["nodes"][budget] != changed["nodes"][budget]
