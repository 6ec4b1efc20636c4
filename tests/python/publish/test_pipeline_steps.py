"""The pipeline around dbt: audit verdicts, publish failures, exit codes,
dbt's arguments and environment, the CLI's defaults. dbt itself is stood in
for by fake_dbt.py, which hands over the artifacts of the session's real
build (conftest.py), so these tests take seconds, not minutes."""

from __future__ import annotations

import io
import json
import shlex
import stat
import sys
import types
from pathlib import Path

import duckdb
import pytest
from pipeline_data import PROJECT_DIR, Verdict
from publish_helpers import sha256

from segmentation.publish import run_pipeline
from segmentation.publish.cli import EXIT_USAGE, main

FAKE_DBT = Path(__file__).with_name("fake_dbt.py")


@pytest.fixture
def fake_dbt(tmp_path, pipeline_runs, monkeypatch) -> Path:
    wrapper = tmp_path / "dbt"
    command = shlex.join([sys.executable, str(FAKE_DBT)])
    wrapper.write_text(f'#!/bin/sh\nexec {command} "$@"\n')
    wrapper.chmod(0o755)
    ok = pipeline_runs.ok
    monkeypatch.setenv("FAKE_DBT_SOURCE", str(ok.candidate))
    monkeypatch.setenv("FAKE_DBT_SOURCE_TARGET", str(ok.candidate.with_name("target")))
    monkeypatch.setenv("FAKE_DBT_CALLS", str(tmp_path / "calls.jsonl"))
    return wrapper


def run(tmp_path, fake_dbt, **options):
    out, err = io.StringIO(), io.StringIO()
    result = run_pipeline(
        project_dir=PROJECT_DIR,
        publish_dir=options.pop("publish_dir", tmp_path / "pub"),
        builds_dir=tmp_path / "builds",
        dbt_executable=options.pop("dbt_executable", str(fake_dbt)),
        out=out,
        err=err,
        **options,
    )
    return result, out.getvalue(), err.getvalue()


def status_of(result) -> str:
    status_file = result.candidate.parent.with_name(f"{result.build_id}.status.json")
    return json.loads(status_file.read_text())["status"]


def test_failed_audit_publishes_nothing(tmp_path, fake_dbt):
    first, _, err = run(tmp_path, fake_dbt, audit=lambda c: Verdict(True, []))
    assert first.exit_code == 0, err
    before = sha256(first.published)
    report = tmp_path / "audit" / "index.html"
    verdict = Verdict(False, ["customer_segments: 2 rows with r_score 0"], report)
    second, _, err = run(tmp_path, fake_dbt, audit=lambda c: verdict)
    assert second.exit_code == 2
    assert second.published is None
    assert "Audit failed; nothing was published." in err
    assert f"Report: {report}" in err
    assert "  - customer_segments: 2 rows with r_score 0" in err
    assert f"Rejected candidate kept for inspection: {second.candidate}" in err
    assert second.candidate.exists()
    assert status_of(second) == "audit_failed"
    assert sha256(first.published) == before


def crash(candidate):
    raise RuntimeError("expectation suite not found")


def missing_dependency(candidate):
    raise ModuleNotFoundError(
        "No module named 'great_expectations'", name="great_expectations"
    )


@pytest.mark.parametrize(
    ("audit", "message"),
    [
        (crash, "the audit crashed: RuntimeError: expectation suite not found"),
        (missing_dependency, "module 'great_expectations' is not available"),
        (lambda c: Verdict(False, []), "the audit failed without naming a failure"),
    ],
)
def test_an_audit_without_a_pass_is_a_failure(tmp_path, fake_dbt, audit, message):
    result, _, err = run(tmp_path, fake_dbt, audit=audit)
    assert result.exit_code == 2
    assert message in err
    assert not (tmp_path / "pub").exists()


def test_default_audit_is_segmentation_audit_run_audit(tmp_path, fake_dbt, monkeypatch):
    calls = []

    def run_audit(candidate_db: Path, *, docs_dir: Path):
        calls.append((candidate_db, docs_dir))
        return Verdict(True, [], docs_dir / "index.html")

    module = types.ModuleType("segmentation.audit")
    module.run_audit = run_audit
    monkeypatch.setitem(sys.modules, "segmentation.audit", module)
    result, out, err = run(tmp_path, fake_dbt)
    assert result.exit_code == 0, err
    audit_dir = result.candidate.with_name("audit")
    assert calls == [(result.candidate, audit_dir)]
    assert f"Audit passed. Report: {audit_dir / 'index.html'}" in out


def test_publish_failure_exits_3_and_says_why(tmp_path, fake_dbt):
    not_a_folder = tmp_path / "pub"
    not_a_folder.write_text("a file where the publish folder should be")
    result, _, err = run(tmp_path, fake_dbt, skip_audit=True)
    assert result.exit_code == 3
    assert f"the publish folder {not_a_folder} exists but is not a folder" in err
    assert status_of(result) == "publish_failed"
    assert not_a_folder.read_text().startswith("a file")


def test_dbt_failure_before_any_node_says_so(tmp_path, fake_dbt, monkeypatch):
    monkeypatch.setenv("FAKE_DBT_EXIT", "2")
    monkeypatch.delenv("FAKE_DBT_SOURCE")
    monkeypatch.delenv("FAKE_DBT_SOURCE_TARGET")
    result, _, err = run(tmp_path, fake_dbt)
    assert result.exit_code == 1
    assert "dbt build failed (exit code 2)" in err
    assert "dbt wrote no run_results.json" in err
    assert "No candidate file was written" in err
    assert status_of(result) == "dbt_failed"


def test_missing_dbt_executable_is_a_failed_build(tmp_path, fake_dbt):
    missing = tmp_path / "no-such-dbt"
    result, _, err = run(tmp_path, fake_dbt, dbt_executable=str(missing))
    assert result.exit_code == 1
    assert (
        f"Could not start dbt: [Errno 2] No such file or directory: '{missing}'" in err
    )
    assert status_of(result) == "dbt_failed"


def test_cli_passes_dbt_arguments_and_reads_env_defaults(
    tmp_path, fake_dbt, monkeypatch
):
    monkeypatch.setenv("SEGMENTATION_PUBLISH_DIR", str(tmp_path / "env_pub"))
    monkeypatch.setenv("SEGMENTATION_BUILDS_DIR", str(tmp_path / "env_builds"))
    monkeypatch.setenv("SEGMENTATION_STORAGE_VERSION", "none")
    monkeypatch.setenv("SEGMENTATION_PUBLISH_DIR_MODE", "0700")
    monkeypatch.setenv("SEGMENTATION_PUBLISH_FILE_MODE", "0600")
    monkeypatch.delenv("DBT_SEND_ANONYMOUS_USAGE_STATS", raising=False)
    code = main(
        [
            "--project-dir",
            str(PROJECT_DIR),
            "--dbt",
            str(fake_dbt),
            "--skip-audit",
            "--vars",
            "{clustering_enabled: false}",
            "--",
            "--select",
            "customer_segments",
        ]
    )
    assert code == 0
    [call] = [json.loads(line) for line in (tmp_path / "calls.jsonl").open()]
    [status_file] = (tmp_path / "env_builds").glob("*.status.json")
    build_id = json.loads(status_file.read_text())["build_id"]
    candidate = tmp_path / "env_builds" / build_id / "candidate.duckdb"
    assert call["db_path"] == str(candidate)
    assert call["usage_stats"] == "false"
    assert call["cwd"] == str(PROJECT_DIR)
    args = call["args"]
    assert args[0] == "build"
    assert args[args.index("--target-path") + 1] == str(
        tmp_path / "env_builds" / build_id / "target"
    )
    assert args[-4:] == [
        "--vars",
        "{clustering_enabled: false}",
        "--select",
        "customer_segments",
    ]
    published = tmp_path / "env_pub" / "segments.duckdb"
    assert stat.S_IMODE(published.stat().st_mode) == 0o600
    assert stat.S_IMODE(published.parent.stat().st_mode) == 0o700
    with duckdb.connect(str(published), read_only=True) as con:
        tag = con.execute("SELECT storage_version FROM publish_metadata").fetchall()
    assert tag == [(f"v{duckdb.__version__}+",)]


def test_bad_command_line_exits_64_not_an_audit_code():
    with pytest.raises(SystemExit) as raised:
        main(["--keep-builds", "many"])
    assert raised.value.code == EXIT_USAGE == 64
