"""The builds folder: one folder per build (its candidate file, its dbt
artifacts, its audit report) and a small status file beside it saying what
became of it.

Every candidate file has the same name, `candidate.duckdb`, in its build's
own folder: dbt-duckdb names the database after the file, so every build's
SQL names the same catalog, and a parse of the project is the same for all
builds (see dbt_in_process).

Build ids are UTC timestamps plus the process id, so concurrent runs never
share a candidate; the status file is created with O_EXCL, which makes taking
an id atomic. Pruning keeps the newest published builds (to compare or roll
back) and the newest rejected ones (to inspect), and never touches a build
whose process is still running.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from dataclasses import dataclass
from pathlib import Path

from segmentation.publish.durable_files import remove_path

BUILDING = "building"
PUBLISHED = "published"
FAILED = ("dbt_failed", "audit_failed", "publish_failed")
STATUS_SUFFIX = ".status.json"
CANDIDATE_NAME = "candidate.duckdb"
# dbt's parse of the project, kept for the next build (dbt_in_process).
PARSE_CACHE = ".dbt_parse"


@dataclass(frozen=True)
class Build:
    """Paths of one build inside the builds folder."""

    builds_dir: Path
    build_id: str
    started_at: dt.datetime

    @property
    def folder(self) -> Path:
        return self.builds_dir / self.build_id

    @property
    def candidate(self) -> Path:
        return self.folder / CANDIDATE_NAME

    @property
    def target_dir(self) -> Path:
        return self.folder / "target"

    @property
    def audit_dir(self) -> Path:
        return self.folder / "audit"

    @property
    def status_file(self) -> Path:
        return self.builds_dir / f"{self.build_id}{STATUS_SUFFIX}"

    def paths(self) -> list[Path]:
        """Everything the build owns; the status file last."""
        return [self.folder, self.status_file]

    def set_status(self, status: str, **facts: str | None) -> None:
        """Record the outcome, with any facts a later run reads (the
        fingerprint a refresh compares)."""
        record = {**self._status_record(status), **facts}
        _write_status(self.status_file, record, exclusive=False)

    def _status_record(self, status: str) -> dict:
        return {
            "build_id": self.build_id,
            "status": status,
            "pid": os.getpid(),
            "started_at": self.started_at.isoformat(),
            "updated_at": dt.datetime.now(dt.UTC).isoformat(),
        }


def new_build(builds_dir: Path, now: dt.datetime | None = None) -> Build:
    """Reserve a fresh build id (status `building`) in `builds_dir`."""
    builds_dir.mkdir(parents=True, exist_ok=True)
    started = (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC)
    base = f"build_{started:%Y%m%dT%H%M%SZ}_{os.getpid()}"
    for attempt in range(1, 1000):
        build = Build(
            builds_dir, base if attempt == 1 else f"{base}_{attempt}", started
        )
        if build.folder.exists():
            continue
        try:
            _write_status(
                build.status_file, build._status_record(BUILDING), exclusive=True
            )
        except FileExistsError:
            continue
        build.folder.mkdir()
        return build
    raise RuntimeError(f"no free build id like {base} in {builds_dir}")


def prune_builds(
    builds_dir: Path, *, keep_published: int, keep_failed: int, current: str
) -> list[str]:
    """Delete all but the newest `keep_published` published builds and the
    newest `keep_failed` failed ones (a `building` build whose process is
    gone counts as failed); return the deleted build ids."""
    published, failed = [], []
    for status_file in builds_dir.glob(f"*{STATUS_SUFFIX}"):
        record = _read_status(status_file)
        if record is None or record.get("build_id") == current:
            continue
        status = record.get("status")
        if status == PUBLISHED:
            published.append(record)
        elif status in FAILED or (
            status == BUILDING and not _process_alive(record.get("pid"))
        ):
            failed.append(record)
    deleted = []
    for records, keep in ((published, keep_published), (failed, keep_failed)):
        records.sort(
            key=lambda r: (r.get("started_at", ""), r["build_id"]), reverse=True
        )
        for record in records[max(keep, 0) :]:
            build = Build(builds_dir, record["build_id"], dt.datetime.now(dt.UTC))
            for path in build.paths():
                remove_path(path)
            deleted.append(record["build_id"])
    return sorted(deleted)


def _write_status(path: Path, record: dict, *, exclusive: bool) -> None:
    """Write the status file; replace it atomically unless creating it."""
    text = json.dumps(record, indent=2) + "\n"
    if exclusive:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        with os.fdopen(fd, "w") as handle:
            handle.write(text)
        return
    temp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temp.write_text(text)
    os.replace(temp, path)


def _read_status(path: Path) -> dict | None:
    try:
        record = json.loads(path.read_text())
    except (OSError, json.JSONDecodeError):
        return None
    if not isinstance(record, dict) or not isinstance(record.get("build_id"), str):
        return None
    # Never follow a build id out of the builds folder.
    if Path(record["build_id"]).name != record["build_id"]:
        return None
    return record


def _process_alive(pid: object) -> bool:
    if not isinstance(pid, int) or pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
