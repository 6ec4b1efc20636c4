"""One memory limit for DuckDB in a publish: dbt's connections (profiles.yml)
and the copy to the published file read the same env var with the same
default, and a value DuckDB cannot read stops the publish naming the var."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from publish_helpers import TABLES, make_candidate, metadata

from segmentation.publish import PublishError, publish_candidate
from segmentation.publish.memory_limit import DEFAULT_MEMORY_LIMIT, memory_limit
from segmentation.publish.pipeline import EXIT_DBT_FAILED, run_pipeline

PROJECT_DIR = Path(__file__).resolve().parents[3]


def test_profiles_yml_states_the_same_default():
    profile = (PROJECT_DIR / "profiles.yml").read_text()
    defaults = re.findall(
        r"memory_limit: \"\{\{ env_var\('SEGMENTATION_MEMORY_LIMIT', '([^']+)'\)",
        profile,
    )
    assert defaults == [DEFAULT_MEMORY_LIMIT]


def test_the_env_var_overrides_the_default(monkeypatch):
    monkeypatch.delenv("SEGMENTATION_MEMORY_LIMIT", raising=False)
    assert memory_limit() == DEFAULT_MEMORY_LIMIT
    monkeypatch.setenv("SEGMENTATION_MEMORY_LIMIT", "12GB")
    assert memory_limit() == "12GB"


def test_a_bad_limit_stops_the_publish_before_dbt_naming_the_env_var(
    monkeypatch, tmp_path
):
    monkeypatch.setenv("SEGMENTATION_MEMORY_LIMIT", "plenty")
    err = io.StringIO()
    result = run_pipeline(
        project_dir=tmp_path, dbt_executable="/no/dbt/here", out=io.StringIO(), err=err
    )
    assert result.exit_code == EXIT_DBT_FAILED
    assert result.build_id is None
    assert "env var SEGMENTATION_MEMORY_LIMIT = 'plenty' is not a memory size" in (
        err.getvalue()
    )
    assert "is unchanged" in err.getvalue()


def test_the_copy_reads_the_env_var(monkeypatch, tmp_path):
    candidate = make_candidate(tmp_path / "build.duckdb", customers=100, label="a")
    monkeypatch.setenv("SEGMENTATION_MEMORY_LIMIT", "plenty")
    with pytest.raises(PublishError, match="env var SEGMENTATION_MEMORY_LIMIT"):
        publish_candidate(
            candidate, tmp_path / "pub", tables=TABLES, metadata=metadata("a")
        )
    # Far below DuckDB's own default of 80% of memory, and enough.
    monkeypatch.setenv("SEGMENTATION_MEMORY_LIMIT", "64MB")
    published = publish_candidate(
        candidate, tmp_path / "pub", tables=TABLES, metadata=metadata("a")
    )
    assert published.is_file()
