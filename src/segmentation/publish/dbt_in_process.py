"""`dbt build` on a parse of the project kept from one build to the next.

dbt keeps its parse (partial_parse.msgpack) and reuses it when the project's
files, the vars and the profile's connection are unchanged. The connection
names the DuckDB file, and every build writes a file of its own, so called
as the dbt executable it would parse the whole project on every build. Here
the parse is made in a cache folder, with the profile's file set to a fixed
path there, so that dbt's partial parse applies from one build to the next;
then the build runs on that parse with the profile at the build's own file.
Both files are named candidate.duckdb, and dbt-duckdb names the database
after the file, so the parsed SQL names the catalog the build writes.

One cache folder per project and set of parse arguments (target, profile,
and the vars that decide what the parse holds: not COMPILE_TIME_VARS,
so that, say, another as-of date is the same parse; but a refresh's
parse is not a full build's, since var refresh_from_stored sets the
incremental models' full_refresh), each under a lock, since two publishes
may parse at once. A parse
that fails or cannot take the lock in time leaves the build to parse as
the executable would, so its errors are printed and logged as usual.

Run as a process of its own, `python -m segmentation.publish.dbt_in_process
--parse-cache DIR -- build ARGS...`, so dbt's global state and its console
output stay out of the publisher. Exit codes are dbt's: 0 success, 1 a
node failed, 2 dbt could not run the command.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path

import yaml

from segmentation.file_lock import exclusive_lock
from segmentation.publish.builds import CANDIDATE_NAME
from segmentation.publish.durable_files import remove_path

DB_PATH_ENV = "SEGMENTATION_DB_PATH"  # the profile's file (profiles.yml)
# Arguments of `dbt build` that change what a parse holds; any other
# (--select, --threads, --full-refresh...) is used at run time only.
PARSE_OPTIONS = ("--vars", "--target", "-t", "--profile", "--profiles-dir")
PARSE_SWITCHES = ("--partial-parse", "--no-partial-parse")
PROJECT_OPTION = "--project-dir"
# A parse of this project takes about 10 s on a quiet 2-core machine; a
# publish waits this long for another one's parse of the same arguments
# before parsing on its own.
LOCK_TIMEOUT_SECONDS = 300
KEPT_CACHES = 4  # parse caches kept: one per set of vars in recent use

# Vars that change only the SQL a node compiles to, never which nodes exist,
# their configs or their dependencies: dbt renders them when it compiles, so
# a parse made with other values of them is the same parse. Any var not
# listed keys the parse, which is the safe default; test_dbt_runner.py
# parses with every one of them changed and compares.
COMPILE_TIME_VARS = frozenset(
    {
        "order_inputs",
        "as_of_date",
        "lookback_days",
        "min_order_date",
        "timestamp_formats",
        "return_order_pattern",
        "missing_value_placeholders",
        "id_leading_zeros",
        "returns_from_negative_quantity",
        "return_line_share_warn",
        "return_line_share_error",
        "return_only_customer_share_warn",
        "return_only_customer_share_error",
        "reporting_currency",
        "max_quarantine_share",
        "rfm_tie_policy",
        "history_as_of_dates",
        "history_frequency",
        "history_max_as_of_dates",
        "segment_drift_psi_warn",
        "segment_drift_psi_error",
        "segment_drift_min_customers",
        "alert_inactive_days",
        "alert_lost_days",
        "alert_aov_drop_share",
        "alert_aov_period_days",
        "campaign_budget",
        "campaign_interval_z",
        "campaign_responses",
        "rfm_buckets",
        "alert_top_segments",
        "audience_platforms",
        "audience_clusters",
        "audience_phone_default_country_code",
        "audience_consent",
        "clv_validation_buckets",
        "clv_likely_lost_p_alive",
        "churn_alert_monthly_rate",
        "churn_alert_min_customers",
        "sql_kmeans_k",
        "sql_kmeans_iterations",
        "sql_kmeans_tol",
    }
)

NO_VARS = json.dumps({})  # what parse_vars makes of vars that are all compile-time


class _LockBusyError(Exception):
    """The cache folder's lock was not free in time."""


def parse_arguments(build_args: Sequence[str]) -> list[str] | None:
    """The arguments among `build_args` that a parse of the project depends
    on, in their order, each with its value; `--vars` without the
    COMPILE_TIME_VARS, and left out when none other remains: a parse with
    no vars is the same parse. None when `--vars` is not a mapping: the
    build then parses on its own and says what is wrong, once."""
    kept: list[str] = []
    args = list(build_args)
    index = 0
    while index < len(args):
        arg = args[index]
        name, equals, value = arg.partition("=")
        if name in (*PARSE_OPTIONS, PROJECT_OPTION):
            if not equals and index + 1 < len(args):
                index += 1
                value = args[index]
            if name == "--vars":
                value = parse_vars(value)
                if value is None:
                    return None
                if value != NO_VARS:
                    kept += [name, value]
            elif equals or value:
                kept += [name, value]
        elif arg in PARSE_SWITCHES:
            kept.append(arg)
        index += 1
    return kept


def parse_vars(text: str) -> str | None:
    """The vars of `--vars` that a parse depends on, as sorted JSON; None
    when the text is not a mapping."""
    try:
        given = yaml.safe_load(text)
    except yaml.YAMLError:
        return None
    if not isinstance(given, dict):
        return None
    kept = {k: v for k, v in given.items() if k not in COMPILE_TIME_VARS}
    return json.dumps(kept, sort_keys=True, default=str)


def cache_folder(parse_cache: Path, parse_args: Sequence[str]) -> Path:
    """The cache folder of one set of parse arguments."""
    key = hashlib.sha256(json.dumps(list(parse_args)).encode()).hexdigest()
    return parse_cache / key[:16]


def parse_in_cache(folder: Path, parse_args: Sequence[str]):
    """dbt's parse in `folder` (a partial parse when dbt can), or None when
    it failed; the profile points at the cache's own candidate file, which
    a parse never opens, by its real path: dbt parses everything again when
    the profile's path differs, as it would for a cache reached through
    another link."""
    from dbt.cli.main import dbtRunner

    saved = os.environ.get(DB_PATH_ENV)
    os.environ[DB_PATH_ENV] = str(folder.resolve() / CANDIDATE_NAME)
    try:
        parsed = dbtRunner().invoke(
            [
                "parse",
                *parse_args,
                "--target-path",
                str(folder / "target"),
                "--log-path",
                str(folder / "logs"),
                # Silent on the console: on failure the build parses again
                # and says why. The cache's log says whether dbt could
                # parse partially, and if not, why.
                "--log-level",
                "none",
                "--log-level-file",
                "debug",
            ]
        )
    finally:
        if saved is None:
            os.environ.pop(DB_PATH_ENV, None)
        else:
            os.environ[DB_PATH_ENV] = saved
    return parsed.result if parsed.success else None


def cached_parse(parse_cache: Path, parse_args: Sequence[str]):
    """The project's manifest for `parse_args` from the cache, or None (the
    cache busy or not writable: the build then parses as dbt does)."""
    folder = cache_folder(parse_cache, parse_args)
    try:
        parse_cache.mkdir(parents=True, exist_ok=True)
        with exclusive_lock(
            folder.with_suffix(".lock"),
            timeout=LOCK_TIMEOUT_SECONDS,
            file_mode=0o640,
            open_failed=lambda err: _LockBusyError(str(err)),
            timed_out=lambda: _LockBusyError("timed out"),
        ):
            folder.mkdir(exist_ok=True)
            os.utime(folder)
            manifest = parse_in_cache(folder, parse_args)
    except (_LockBusyError, OSError):
        return None
    _prune(parse_cache, keep=KEPT_CACHES)
    return manifest


def _prune(parse_cache: Path, *, keep: int) -> None:
    """Remove all but the `keep` most recently used cache folders, skipping
    any whose lock another process holds."""
    folders = sorted(
        (path for path in parse_cache.iterdir() if path.is_dir()),
        key=lambda path: path.stat().st_mtime,
        reverse=True,
    )
    for folder in folders[keep:]:
        try:
            with exclusive_lock(
                folder.with_suffix(".lock"),
                timeout=0,
                file_mode=0o640,
                open_failed=lambda err: _LockBusyError(str(err)),
                timed_out=lambda: _LockBusyError("in use"),
            ):
                remove_path(folder)
        except _LockBusyError:
            continue


def run_build(parse_cache: Path, dbt_args: Sequence[str]) -> int:
    """Run `dbt <dbt_args>` on the cached parse; dbt's exit code."""
    from dbt.cli.main import dbtRunner

    parse_args = parse_arguments(dbt_args[1:])
    manifest = None if parse_args is None else cached_parse(parse_cache, parse_args)
    result = dbtRunner(manifest=manifest).invoke(list(dbt_args))
    if result.success:
        return 0
    return 2 if result.exception else 1


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m segmentation.publish.dbt_in_process",
        description="dbt build on a parse of the project kept across builds.",
    )
    parser.add_argument("--parse-cache", type=Path, required=True)
    parser.add_argument("dbt_args", nargs=argparse.REMAINDER)
    args = parser.parse_args(argv)
    dbt_args = args.dbt_args[1:] if args.dbt_args[:1] == ["--"] else args.dbt_args
    return run_build(args.parse_cache, dbt_args)


if __name__ == "__main__":
    sys.exit(main())
