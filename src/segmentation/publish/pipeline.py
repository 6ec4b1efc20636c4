"""Write-audit-publish in one call: dbt builds a fresh candidate file, the
audit checks it, and only a candidate that passed both replaces the file BI
tools read. Any failure leaves the published file untouched and the rejected
candidate in the builds folder for inspection. With `refresh`, the candidate
starts as a copy of the last published build and dbt adds only the new input
files (segmentation.publish.refresh).

Exit codes: 0 published, 1 dbt build failed, 2 audit failed, 3 publish
failed (64: bad command line, from the CLI).
"""

from __future__ import annotations

import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

import duckdb

from segmentation.publish.audit_step import (
    AuditFn,
    default_audit,
    preload_default_audit,
    run_audit_step,
)
from segmentation.publish.builds import (
    PARSE_CACHE,
    PUBLISHED,
    Build,
    new_build,
    prune_builds,
)
from segmentation.publish.candidate_facts import existing_tables, gather_metadata
from segmentation.publish.dbt_build import DbtBuildResult, DbtNodeFailure, run_dbt_build
from segmentation.publish.errors import PublishError
from segmentation.publish.failure_reasons import failure_reasons
from segmentation.publish.manifest import mart_tables
from segmentation.publish.memory_limit import memory_limit
from segmentation.publish.publisher import (
    DEFAULT_LOCK_TIMEOUT,
    DEFAULT_STORAGE_VERSION,
    PUBLISHED_NAME,
    publish_candidate,
)
from segmentation.publish.refresh import (
    find_refresh_base,
    new_lines_summary,
    project_fingerprint,
    start_from,
    with_refresh_var,
)
from segmentation.publish.snapshots import carry_over_snapshots, project_snapshot_names
from segmentation.publish.table_copy import TableRef

EXIT_OK = 0
EXIT_DBT_FAILED = 1
EXIT_AUDIT_FAILED = 2
EXIT_PUBLISH_FAILED = 3


@dataclass(frozen=True)
class PipelineResult:
    """How a run ended; `published` is set only when the file was replaced."""

    exit_code: int
    build_id: str | None
    candidate: Path | None
    published: Path | None


def run_pipeline(
    *,
    project_dir: Path | str = ".",
    publish_dir: Path | str = "warehouse/published",
    builds_dir: Path | str = "warehouse/builds",
    dbt_args: Sequence[str] = (),
    audit: AuditFn | None = None,
    skip_audit: bool = False,
    audit_docs_dir: Path | str | None = None,
    storage_version: str | None = DEFAULT_STORAGE_VERSION,
    dir_mode: int = 0o750,
    file_mode: int = 0o640,
    keep_published: int = 3,
    keep_failed: int = 5,
    lock_timeout: float = DEFAULT_LOCK_TIMEOUT,
    dbt_executable: str | None = None,
    refresh: bool = False,
    out: TextIO | None = None,
    err: TextIO | None = None,
) -> PipelineResult:
    """Build, audit, publish; return how it ended (see the exit codes above).

    Relative folders are taken relative to `project_dir`. `dbt_args` are
    added to `dbt build` (e.g. ["--vars", "{...}"]). `audit` defaults to
    segmentation.audit.run_audit, writing its report to `audit_docs_dir`
    (default: `<builds_dir>/<build_id>/audit`, pruned with its build).
    `refresh` starts from the last published build when the project and
    `dbt_args` are the ones it was built with, and builds in full otherwise.
    """
    started = time.monotonic()
    out, err = out or sys.stdout, err or sys.stderr
    project = Path(project_dir).resolve()
    publish = _under(project, publish_dir)
    builds = _under(project, builds_dir)
    unchanged = f"The published file {publish / PUBLISHED_NAME} is unchanged."
    try:
        # Checked before dbt, whose connections read the same env var.
        memory_limit()
    except ValueError as error:
        print(f"{error}. {unchanged}", file=err)
        return PipelineResult(EXIT_DBT_FAILED, None, None, None)
    try:
        build = new_build(builds)
    except OSError as error:
        print(f"Cannot start a build in {builds}: {error}. {unchanged}", file=err)
        return PipelineResult(EXIT_DBT_FAILED, None, None, None)

    fingerprint = project_fingerprint(project, dbt_args)

    def finish(code: int, status: str, path: Path | None = None) -> PipelineResult:
        """Record the outcome, prune old builds, say where things are."""
        build.set_status(status, fingerprint=fingerprint)
        deleted = prune_builds(
            builds,
            keep_published=keep_published,
            keep_failed=keep_failed,
            current=build.build_id,
        )
        if deleted:
            print(f"Removed old builds: {', '.join(deleted)}", file=out)
        if code != EXIT_OK:
            _report_rejected(build, err)
            if code != EXIT_PUBLISH_FAILED:  # a PublishError says it itself
                print(unchanged, file=err)
        return PipelineResult(code, build.build_id, build.candidate, path)

    print(f"Build {build.build_id}: dbt build into {build.candidate}", file=out)
    base, why_not = (
        find_refresh_base(builds, fingerprint, current=build.build_id)
        if refresh
        else (None, "")
    )
    if refresh and base is None:
        print(f"Full build, not a refresh: {why_not}.", file=out)
    try:
        if base is not None:
            # The copy holds the base build's snapshots too.
            start_from(base, build.candidate)
            dbt_args = with_refresh_var(dbt_args)
            print(f"Refresh: starting from build {base.build_id}", file=out)
        else:
            carried = carry_over_snapshots(
                publish / PUBLISHED_NAME,
                build.candidate,
                project_snapshot_names(project),
            )
            if carried:
                print(
                    f"Snapshots carried over from the published file: {carried}",
                    file=out,
                )
    except (OSError, ValueError, duckdb.Error) as error:
        print(f"Could not prepare the candidate: {error}", file=err)
        return finish(EXIT_DBT_FAILED, "dbt_failed")
    out.flush()
    if audit is None and not skip_audit:
        preload_default_audit()
    try:
        dbt = run_dbt_build(
            project_dir=project,
            candidate=build.candidate,
            target_dir=build.target_dir,
            parse_cache=builds / PARSE_CACHE,
            extra_args=dbt_args,
            dbt_executable=dbt_executable,
        )
    except OSError as error:
        print(f"Could not start dbt: {error}", file=err)
        return finish(EXIT_DBT_FAILED, "dbt_failed")
    if dbt.returncode != 0:
        _report_dbt_failure(dbt, build.candidate, project, err)
        return finish(EXIT_DBT_FAILED, "dbt_failed")
    _report_test_warnings(dbt, build.candidate, project, out)
    if base is not None:
        try:
            print(new_lines_summary(build.candidate, project), file=out)
        except duckdb.Error as error:  # a line of news, not a reason to stop
            print(f"Refresh: could not count the new lines: {error}", file=out)

    if skip_audit:
        print("Audit skipped.", file=out)
    else:
        docs_dir = (
            build.audit_dir
            if audit_docs_dir is None
            else _under(project, audit_docs_dir)
        )
        if not _audit_passed(audit or default_audit(docs_dir), build, out, err):
            return finish(EXIT_AUDIT_FAILED, "audit_failed")

    try:
        tables = _tables_to_publish(build, out)
        path = publish_candidate(
            build.candidate,
            publish,
            tables=tables,
            metadata=gather_metadata(
                build.candidate,
                build_id=build.build_id,
                built_at=build.started_at,
                dbt_version=dbt.dbt_version,
                project_dir=project,
                dbt_tests_passed=dbt.test_count("pass"),
                dbt_tests_warned=dbt.test_count("warn"),
            ),
            storage_version=storage_version,
            dir_mode=dir_mode,
            file_mode=file_mode,
            lock_timeout=lock_timeout,
        )
    except PublishError as error:
        print(f"Publish failed: {error}", file=err)
        return finish(EXIT_PUBLISH_FAILED, "publish_failed")
    except (OSError, ValueError, KeyError, duckdb.Error) as error:
        print(
            f"Publish failed: could not read the build's facts: {error}. {unchanged}",
            file=err,
        )
        return finish(EXIT_PUBLISH_FAILED, "publish_failed")
    result = finish(EXIT_OK, PUBLISHED, path)
    print(
        f"Published {build.build_id} ({len(tables)} tables and publish_metadata)"
        f" in {time.monotonic() - started:.0f} s: {path}",
        file=out,
    )
    return result


def _under(project: Path, folder: Path | str) -> Path:
    path = Path(folder).expanduser()
    return path if path.is_absolute() else project / path


def _audit_passed(audit: AuditFn, build: Build, out: TextIO, err: TextIO) -> bool:
    outcome = run_audit_step(audit, build.candidate)
    report = f" Report: {outcome.report_path}" if outcome.report_path else ""
    if not outcome.success:
        print(f"Audit failed; nothing was published.{report}", file=err)
        for failure in outcome.failures:
            print(f"  - {failure}", file=err)
        return False
    print(f"Audit passed.{report}", file=out)
    for note in outcome.failures:  # a pass may still carry warnings
        print(f"  - {note}", file=out)
    return True


def _tables_to_publish(build: Build, out: TextIO) -> list[TableRef]:
    """Mart models of this build's manifest that the candidate holds. A mart
    absent from the candidate was not selected (dbt --select) and is named."""
    marts = mart_tables(build.target_dir / "manifest.json")
    present = existing_tables(build.candidate)
    missing = [t for t in marts if (t.schema.lower(), t.name.lower()) not in present]
    if missing:
        names = ", ".join(str(t) for t in missing)
        print(f"Not built in this run, so not published: {names}", file=out)
    return [t for t in marts if t not in missing]


def _report_rejected(build: Build, err: TextIO) -> None:
    if build.candidate.exists():
        print(f"Rejected candidate kept for inspection: {build.candidate}", file=err)
    else:
        print(f"No candidate file was written ({build.candidate}).", file=err)
    print(f"dbt artifacts and log: {build.target_dir}", file=err)


def _print_reasons(
    node: DbtNodeFailure, candidate: Path, project: Path, stream: TextIO
) -> None:
    """The failure_reason sentences of a failed or warned test's rows."""
    if not node.unique_id.startswith("test.") or not node.compiled_code:
        return
    if not candidate.exists():
        return
    for reason in failure_reasons(candidate, node.compiled_code, project_dir=project):
        print(f"      why: {reason}", file=stream)


def _report_test_warnings(
    dbt: DbtBuildResult, candidate: Path, project: Path, out: TextIO
) -> None:
    """Tests that warned do not stop the build; say which and why."""
    warned = dbt.failed_nodes({"warn"})
    if warned:
        print("dbt tests that warned:", file=out)
    for node in warned:
        print(f"  - {node.describe()}", file=out)
        _print_reasons(node, candidate, project, out)


def _report_dbt_failure(
    dbt: DbtBuildResult, candidate: Path, project: Path, err: TextIO
) -> None:
    print(
        f"dbt build failed (exit code {dbt.returncode}); nothing was published.",
        file=err,
    )
    if dbt.run_results is None:
        print(
            "dbt wrote no run_results.json: it stopped before running any node; "
            "its own output above says why.",
            file=err,
        )
        return
    failures = dbt.failed_nodes()
    if failures:
        print("Failed nodes:", file=err)
        for failure in failures:
            print(f"  - {failure.describe()}", file=err)
            _print_reasons(failure, candidate, project, err)
    skipped = dbt.skipped_count()
    if skipped:
        print(f"  ({skipped} nodes skipped because of these)", file=err)
