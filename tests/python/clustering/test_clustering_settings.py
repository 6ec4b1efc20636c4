"""The K-means settings are declared once (segmentation.clustering.config);
the docs table, the dbt macro and the project's vars follow from there."""

from __future__ import annotations

import importlib.util
import re
from dataclasses import MISSING
from pathlib import Path

import pytest
import yaml

from segmentation.clustering import describe_settings, parse_config

PROJECT_DIR = Path(__file__).resolve().parents[3]


def _script():
    spec = importlib.util.spec_from_file_location(
        "kmeans_settings", PROJECT_DIR / "scripts" / "kmeans_settings.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_docs_table_and_dbt_macro_are_written_from_the_declarations() -> None:
    script = _script()
    assert script.MACRO.read_text() == script.render_macro(), (
        "run scripts/kmeans_settings.py"
    )
    docs = script.DOCS.read_text()
    assert script.docs_with_table(docs) == docs, "run scripts/kmeans_settings.py"


def test_every_setting_is_documented_and_its_default_valid() -> None:
    settings = describe_settings()
    docs = _script().DOCS.read_text()
    macro = _script().MACRO.read_text()
    defaults = {}
    for s in settings:
        assert len(s.doc) > 20, s.key
        assert f"| `{s.key}` |" in docs
        if s.default is MISSING:
            assert s.key == "features"
            assert f"'{s.key}'" not in macro
        else:
            assert re.search(rf"^        '{s.key}': ", macro, re.M), s.key
            defaults[s.key] = s.default
    # The defaults pass their own checks, and parse back to themselves.
    cfg = parse_config({"features": ["a"], **defaults})
    for key, value in defaults.items():
        got = getattr(cfg, key)
        assert (list(got) if isinstance(got, tuple) else got) == value, key


@pytest.mark.parametrize(
    "vars_file", ["dbt_project.yml", "examples/customer_personality/vars.yml"]
)
def test_the_projects_settings_are_valid_and_set_only_known_keys(
    vars_file: str,
) -> None:
    loaded = yaml.safe_load((PROJECT_DIR / vars_file).read_text())
    clustering = loaded.get("vars", loaded)["clustering"]
    cfg = parse_config(clustering)
    assert cfg.naming_rule_set in ("rfm", "customer_personality")
    # Only what differs from a default, or what other SQL reads by key.
    read_by_key = {"features", "naming_rule_set", "response_column"}
    defaults = {s.key: s.default for s in describe_settings()}
    restated = {
        key
        for key, value in clustering.items()
        if key not in read_by_key and defaults[key] == value
    }
    assert not restated, f"{vars_file} restates defaults: {sorted(restated)}"
