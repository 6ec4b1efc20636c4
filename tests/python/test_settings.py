"""Each setting is stated once: the defaults in dbt_project.yml agree with
each other and with docs/settings.md, every var the SQL checks has its
default there, the feature flags switch whole folders off without leaving a
model that reads them, and a bad value stops the build naming the var and
what it accepts."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from dbt_project_runner import PROJECT_DIR, run_dbt

from segmentation_dev import settings_docs

PROJECT_TEXT = (PROJECT_DIR / "dbt_project.yml").read_text()
SETTINGS_MACRO = (PROJECT_DIR / "macros" / "settings" / "settings.sql").read_text()
JINJA = {"true": True, "false": False, "none": None}


def test_docs_settings_table_is_written_from_dbt_project_yml():
    docs = settings_docs.DOCS.read_text()
    assert settings_docs.docs_with_table(docs, PROJECT_TEXT) == docs, (
        "run python -m segmentation_dev.settings_docs"
    )


def test_every_var_has_one_default_in_dbt_project_yml():
    """The flags' expressions give their vars defaults (dbt reads this file
    before its vars:); where one var appears in several, or in vars: as
    well, the defaults must be the same."""
    project_vars = yaml.safe_load(PROJECT_TEXT)["vars"]
    defaults: dict[str, set] = {}
    for name, default in re.findall(r"var\('(\w+)', ([^)]+)\)", PROJECT_TEXT):
        defaults.setdefault(name, set()).add(JINJA.get(default.strip(), default))
    assert defaults, "no flag found: has the +meta: built: block moved?"
    for name, values in defaults.items():
        if name in project_vars:
            values = values | {project_vars[name]}
        assert len(values) == 1, f"var {name} has the defaults {values}"


def test_every_var_the_sql_checks_has_a_default():
    project_vars = yaml.safe_load(PROJECT_TEXT)["vars"]
    checked = set(re.findall(r"^        '(\w+)': \{'kind'", SETTINGS_MACRO, re.M))
    assert len(checked) > 40
    assert checked - set(project_vars) == set()


def test_every_flag_switches_off_whole_folders(tmp_path: Path):
    """With every feature off, the project still parses (no model left on
    reads one switched off) and none of their models, tests or the report's
    exposure is listed; with predictions in SQL, no Python CLV model is."""
    off = {
        "clustering_enabled": False,
        "history_enabled": False,
        "clv_enabled": False,
        "sql_kmeans_enabled": False,
    }
    listed = _listed(tmp_path / "off", off)
    folders = [
        "models/intermediate/clustering/",
        "models/intermediate/clustering_sql/",
        "models/intermediate/value/",
        "models/marts/clusters/",
        "models/marts/clusters_sql/",
        "models/marts/history/",
        "models/marts/value/",
        "python_models/",
    ]
    assert [p for p in listed if p.startswith(tuple(folders))] == []
    assert "models/marts/campaigns/segment_budget.sql" in listed
    # The RFM chain serves the current segments too: it stays, on one date.
    assert "models/intermediate/rfm/int_customer_dates_scored.sql" in listed
    assert "exposure:customer_segmentation.segment_report" not in listed
    in_sql = _listed(tmp_path / "in_sql", {"clv_predict_in_sql": True})
    assert [p for p in in_sql if p.startswith("python_models/clv/")] == []
    assert "models/marts/value/customer_value_predictions.sql" in in_sql
    assert "exposure:customer_segmentation.segment_report" in in_sql


def _listed(work_dir: Path, dbt_vars: dict) -> list[str]:
    work_dir.mkdir()
    run = run_dbt(
        work_dir,
        "ls",
        dbt_vars,
        extra_args=["--output", "path", "--resource-type", "model"],
    )
    assert run.returncode == 0, run.output[-3000:]
    exposures = run_dbt(
        work_dir, "ls", dbt_vars, extra_args=["--resource-type", "exposure"]
    )
    assert exposures.returncode == 0, exposures.output[-3000:]
    lines = run.output.splitlines() + exposures.output.splitlines()
    return [line.strip() for line in lines]


@pytest.mark.parametrize(
    ("dbt_vars", "expected"),
    [
        (
            {"history_as_of_dates": ["2011-06-01", "June 2011"]},
            "var history_as_of_dates has 'June 2011', which is not a date:"
            " write each as YYYY-MM-DD",
        ),
        (
            {"alert_inactive_days": 200},
            "var alert_inactive_days (200) must be below var alert_lost_days"
            " (180): inactive comes before lost.",
        ),
        (
            {"audience_consent": "yes"},
            "var audience_consent is 'yes': use auto, required or not_required.",
        ),
        (
            {"lookback_days": 0},
            "var lookback_days is '0': use a whole number of days (1 or more),"
            " or null to count all history.",
        ),
        (
            {"rfm_buckets": 11},
            "var rfm_buckets is '11': use a whole number from 2 to 10",
        ),
        (
            {"campaign_budget": "lots"},
            "var campaign_budget is 'lots': use a number of at least 0.01",
        ),
    ],
)
def test_a_bad_value_names_the_var_and_what_it_accepts(
    tmp_path: Path, dbt_vars: dict, expected: str
):
    """Compiling even one model that reads no such var stops: settings()
    checks every var whichever model asks first."""
    run = run_dbt(tmp_path, "compile", dbt_vars, ["--select", "int_segment_cells"])
    assert run.returncode != 0
    assert expected in run.output, run.output[-3000:]


def test_the_default_values_pass_the_checks(tmp_path: Path):
    """The counterpart of the bad values above: the same compile with the
    defaults, and with good non-default values, succeeds."""
    for name, dbt_vars in [
        ("defaults", {}),
        (
            "set",
            {"lookback_days": 365, "rfm_buckets": 4, "audience_consent": "required"},
        ),
    ]:
        run = run_dbt(
            tmp_path / name, "compile", dbt_vars, ["--select", "int_segment_cells"]
        )
        assert run.returncode == 0, run.output[-3000:]


def _project_files(*suffixes: str) -> list[Path]:
    roots = ["models", "python_models", "macros", "tests", "snapshots", "analyses"]
    return [
        path
        for root in roots
        for path in sorted((PROJECT_DIR / root).rglob("*"))
        if path.suffix in suffixes
        and "python" not in path.relative_to(PROJECT_DIR).parts[:2]
    ]


def test_no_default_is_restated_outside_dbt_project_yml():
    """var('name', default) would state a second default, which drifts."""
    restated = [
        f"{path.relative_to(PROJECT_DIR)}: {match.group(0)}"
        for path in _project_files(".sql", ".yml", ".py")
        for match in re.finditer(
            r"(?<![\w.])var\(\s*['\"]\w+['\"]\s*,[^)]*\)", path.read_text()
        )
    ]
    assert restated == []


def test_the_sql_reads_checked_vars_only_through_settings():
    """A var settings() checks is read through it, so no SQL sees an
    unchecked value."""
    checked = set(re.findall(r"^        '(\w+)': \{'kind'", SETTINGS_MACRO, re.M))
    direct = [
        f"{path.relative_to(PROJECT_DIR)}: var('{name}')"
        for path in _project_files(".sql")
        if path.parent.name != "settings"
        for name in re.findall(
            r"(?<![\w.])var\(\s*['\"](\w+)['\"]\s*\)", path.read_text()
        )
        if name in checked
    ]
    assert direct == []


def test_no_model_yml_switches_a_model_on_or_off():
    """Feature switches are folder flags in dbt_project.yml; a model whose
    condition is narrower says so in its own config() block, where macro
    is_built can read the flags."""
    switched = [
        f"{path.relative_to(PROJECT_DIR)}: {line.strip()}"
        for path in _project_files(".yml")
        for line in path.read_text().splitlines()
        if re.match(r"^\s+\+?enabled:", line)
    ]
    assert switched == []
