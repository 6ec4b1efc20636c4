"""A refresh: the candidate starts as a copy of the last published build,
and dbt adds only the input files that build has not read (var
refresh_from_stored). It is taken only when the project and the dbt
arguments are what that build was made with, since a changed model, seed,
setting or Python module could change rows the refresh keeps; otherwise
the run builds in full and says why. The published file still changes only
after every test and the audit passed, in one atomic step."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import duckdb
import yaml

from segmentation.publish.builds import PUBLISHED, STATUS_SUFFIX, Build

REFRESH_VAR = "refresh_from_stored"
# The table of a refresh's new lines, and how many of their files are named.
NEW_LINES_TABLE = "stg_orders__new_order_lines"
NAMED_FILES = 3

# What decides the rows of a build besides its inputs: the dbt project and
# the Python the models import.
_PROJECT_PARTS = (
    "dbt_project.yml",
    "models",
    "macros",
    "seeds",
    "snapshots",
    "python_models",
    "src/segmentation",
)


@dataclass(frozen=True)
class RefreshBase:
    """The published build a refresh starts from."""

    build_id: str
    candidate: Path


def project_fingerprint(project_dir: Path, dbt_args: Sequence[str]) -> str:
    """A hash of the project's files and the dbt arguments: equal for two
    runs that would build the same tables from the same inputs."""
    digest = hashlib.sha256()
    for part in _PROJECT_PARTS:
        root = project_dir / part
        paths = [root] if root.is_file() else sorted(root.rglob("*"))
        for path in paths:
            if not path.is_file() or "__pycache__" in path.parts:
                continue
            digest.update(str(path.relative_to(project_dir)).encode())
            digest.update(b"\0")
            digest.update(path.read_bytes())
            digest.update(b"\0")
    digest.update(json.dumps(list(dbt_args)).encode())
    return digest.hexdigest()


def find_refresh_base(
    builds_dir: Path, fingerprint: str, *, current: str
) -> tuple[RefreshBase | None, str]:
    """The newest published build whose candidate file is still there, if
    it was built with `fingerprint`; else None and the reason."""
    records = []
    for status_file in builds_dir.glob(f"*{STATUS_SUFFIX}"):
        try:
            record = json.loads(status_file.read_text())
        except (OSError, json.JSONDecodeError):
            continue
        if (
            isinstance(record, dict)
            and record.get("status") == PUBLISHED
            and record.get("build_id") != current
            and Path(str(record.get("build_id"))).name == record.get("build_id")
        ):
            records.append(record)
    if not records:
        return None, f"no published build in {builds_dir} to start from"
    newest = max(records, key=lambda r: (r.get("started_at", ""), r["build_id"]))
    base = Build(builds_dir, newest["build_id"], dt.datetime.now(dt.UTC))
    if not base.candidate.exists():
        return None, f"the last published build's file {base.candidate} is gone"
    if newest.get("fingerprint") != fingerprint:
        return None, (
            f"the project or the dbt arguments changed since build "
            f"{newest['build_id']} (models, macros, seeds, settings or the "
            "Python models' code)"
        )
    return RefreshBase(newest["build_id"], base.candidate), ""


def start_from(base: RefreshBase, candidate: Path) -> None:
    """The new candidate: a copy of the base build's file."""
    shutil.copyfile(base.candidate, candidate)


def new_lines_summary(candidate: Path, project_dir: Path) -> str:
    """What a refresh added, in a line: its new order lines and the files
    they came from (the first NAMED_FILES named), or that there were none.
    The new lines are a view over the new files, whose relative paths
    resolve against `project_dir`, as in dbt's run."""
    with duckdb.connect(str(candidate), read_only=True) as con:
        con.execute(
            "set file_search_path = " + "'" + str(project_dir).replace("'", "''") + "'"
        )
        files = con.execute(
            f"select source_file, count(*) from {NEW_LINES_TABLE}"
            " group by source_file order by source_file"
        ).fetchall()
    if not files:
        return (
            "Refresh: no new order lines (every input file was read by the "
            "build it started from); the tables are those of that build, "
            "under a new build id."
        )
    names = [Path(name).name for name, _ in files[:NAMED_FILES]]
    if len(files) > NAMED_FILES:
        names.append(f"{len(files) - NAMED_FILES} more")
    lines = sum(count for _, count in files)
    return (
        f"Refresh: added {lines:,} order lines from {len(files)} new "
        f"file{'s' if len(files) > 1 else ''} ({', '.join(names)})."
    )


def with_refresh_var(dbt_args: Sequence[str]) -> list[str]:
    """`dbt_args` with var refresh_from_stored set to true, merged into the
    `--vars` given, if any."""
    args = list(dbt_args)
    for index, arg in enumerate(args):
        if arg == "--vars" and index + 1 < len(args):
            given = yaml.safe_load(args[index + 1]) or {}
            if not isinstance(given, dict):
                raise ValueError(f"--vars is not a mapping: {args[index + 1]}")
            args[index + 1] = json.dumps({**given, REFRESH_VAR: True})
            return args
        if arg.startswith("--vars="):
            given = yaml.safe_load(arg.removeprefix("--vars=")) or {}
            args[index] = "--vars=" + json.dumps({**given, REFRESH_VAR: True})
            return args
    return [*args, "--vars", json.dumps({REFRESH_VAR: True})]
