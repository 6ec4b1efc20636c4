"""Write the audience files for ad platforms from a published build.

Reads `audience_summary` (one row per audience) and `audience_members`
(hashed contacts) from the published DuckDB file, opened read-only, and
writes into the exports folder, per audience (e.g. audience_meta_champions):

* ``<audience>.csv`` and ``<audience>.parquet``: every member now;
* ``<audience>_adds.csv`` / ``.parquet``: rows that are new since the
  previous export;
* ``<audience>_removes.csv`` / ``.parquet``: rows of the previous export
  that are gone (the customer left the segment, lost consent, or changed
  email or phone: then the old row is removed and the new one added).

Columns: customer_id, hashed_email, hashed_phone (empty when unknown);
rows sorted by customer_id. Hashes only: the marts hold nothing else.

The previous export is the state: a snapshot of each audience's full list
in ``.audience_state/<snapshot>/`` and ``audience_exports.json``, which
names the snapshot, the build it came from and the counts. The files of a
run are written aside and put in place one by one, the JSON last, so a run
that dies at any point leaves the previous state in charge and the next run
writes the same adds and removes again. A build that was exported already
is not exported twice (the adds and removes a sync has not read yet would be
overwritten by empty ones) unless ``force``. An audience of the previous
export that this build no longer has is retired: its removes list everyone
and its full files are deleted.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path

import duckdb

from segmentation.file_lock import exclusive_lock

STATE_FILE = "audience_exports.json"
STATE_DIR = ".audience_state"
LOCK_FILE = ".audience_exports.lock"
FORMATS = ("csv", "parquet")
COLUMNS = "customer_id, hashed_email, hashed_phone"
REQUIRED_TABLES = ("publish_metadata", "audience_summary", "audience_members")
NAME_PATTERN = re.compile(r"[a-z0-9_]+")


class ExportError(Exception):
    """The export could not run; the exports folder's files are as they were."""


@dataclass(frozen=True)
class AudienceFiles:
    """What one audience's files hold after an export."""

    audience_name: str
    platform: str
    segment_type: str
    segment_name: str
    members: int
    adds: int
    removes: int
    is_retired: bool = False


@dataclass(frozen=True)
class ExportResult:
    """Outcome of `export_audiences`. `exported` is False when this build
    had been exported already and nothing was written."""

    exported: bool
    build_id: str
    previous_build_id: str | None
    exports_dir: Path
    audiences: tuple[AudienceFiles, ...] = ()
    warnings: tuple[str, ...] = field(default_factory=tuple)


def export_audiences(
    db_path: str | Path,
    exports_dir: str | Path,
    *,
    force: bool = False,
    lock_timeout: float = 60.0,
) -> ExportResult:
    """Export every audience of the published file `db_path` into
    `exports_dir` (created if needed); see the module docstring."""
    db_path, exports_dir = Path(db_path), Path(exports_dir)
    if not db_path.is_file():
        raise ExportError(
            f"no published build at {db_path}: audiences are exported only "
            "from a build that passed its tests and audit (run `make publish`, "
            "segmentation publish, first)."
        )
    try:
        exports_dir.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise ExportError(
            f"cannot create the exports folder {exports_dir}: {err}"
        ) from err
    lock_path = exports_dir / LOCK_FILE
    with exclusive_lock(
        lock_path,
        timeout=lock_timeout,
        file_mode=0o640,
        open_failed=lambda err: ExportError(
            f"could not open the export lock file {lock_path}: {err}."
        ),
        timed_out=lambda: ExportError(
            f"another export holds {lock_path} and did not finish "
            f"within {lock_timeout:g} s."
        ),
    ):
        return _export_locked(db_path, exports_dir, force)


def _export_locked(db_path: Path, exports_dir: Path, force: bool) -> ExportResult:
    state = _read_state(exports_dir)
    previous_build = state.get("build_id")
    con = duckdb.connect()
    try:
        try:
            con.execute(f"attach {_literal(db_path)} as published (read_only)")
        except duckdb.Error as err:
            raise ExportError(f"cannot open {db_path} read-only: {err}") from err
        build_id, as_of_date = _published_build(con, db_path)
        if previous_build == build_id and not force:
            return ExportResult(False, build_id, previous_build, exports_dir)
        audiences = con.sql(
            "select audience_name, platform, segment_type, segment_name"
            " from published.audience_summary"
            " order by platform, segment_type desc, segment_rank, audience_name"
        ).fetchall()
        return _write_export(
            con, exports_dir, state, audiences, build_id, as_of_date, db_path
        )
    except (duckdb.Error, OSError) as err:
        raise ExportError(
            f"export failed: {err}. The previous export is still in charge; "
            "run again to write the same adds and removes."
        ) from err
    finally:
        con.close()


def _write_export(
    con: duckdb.DuckDBPyConnection,
    exports_dir: Path,
    state: dict,
    audiences: list[tuple],
    build_id: str,
    as_of_date: str | None,
    db_path: Path,
) -> ExportResult:
    warnings: list[str] = []
    previous_snapshot = _previous_snapshot(exports_dir, state, warnings)
    previous_names = set(state.get("audiences", {}))
    state_root = exports_dir / STATE_DIR
    state_root.mkdir(exist_ok=True)
    stamp = dt.datetime.now(dt.UTC)
    snapshot_name = f"{_safe(build_id)}-{stamp:%Y%m%dT%H%M%S%fZ}"
    staging = Path(tempfile.mkdtemp(prefix=".export-", dir=exports_dir))
    try:
        snapshot = staging / "snapshot"
        snapshot.mkdir()
        results: list[AudienceFiles] = []
        current = {row[0] for row in audiences}
        for name in current | previous_names:
            if not NAME_PATTERN.fullmatch(name):
                raise ExportError(
                    f"audience name {name!r} is not usable as a file name "
                    "(lower-case letters, digits and underscores only)."
                )
        for name, platform, segment_type, segment_name in audiences:
            con.execute(
                "create or replace temp table current_members as"
                f" select {COLUMNS} from published.audience_members"
                " where audience_name = ?",
                [name],
            )
            counts = _write_audience(
                con, staging, snapshot, name, previous_snapshot, name in previous_names
            )
            results.append(
                AudienceFiles(name, platform, segment_type, segment_name, *counts)
            )
        retired = sorted(previous_names - current)
        for name in retired:
            # Everyone of a vanished audience is removed.
            con.execute(
                f"create or replace temp table current_members as select {COLUMNS}"
                " from published.audience_members where false"
            )
            old = state["audiences"][name]
            counts = _write_audience(con, staging, None, name, previous_snapshot, True)
            results.append(
                AudienceFiles(
                    name,
                    old.get("platform", ""),
                    old.get("segment_type", ""),
                    old.get("segment_name", ""),
                    *counts,
                    is_retired=True,
                )
            )
        # The snapshot first: until the JSON names it, it is not used.
        snapshot_dir = state_root / snapshot_name
        os.replace(snapshot, snapshot_dir)
        for item in results:
            for suffix in ("_adds", "_removes", ""):
                for fmt in FORMATS:
                    file_name = f"{item.audience_name}{suffix}.{fmt}"
                    if item.is_retired and suffix == "":
                        (exports_dir / file_name).unlink(missing_ok=True)
                    else:
                        os.replace(staging / file_name, exports_dir / file_name)
        new_state = {
            "build_id": build_id,
            "previous_build_id": state.get("build_id"),
            "exported_at": stamp.isoformat(timespec="seconds"),
            "as_of_date": as_of_date,
            "published_db": str(db_path),
            "snapshot": snapshot_name,
            "audiences": {
                item.audience_name: {
                    key: value
                    for key, value in asdict(item).items()
                    if key not in ("audience_name", "is_retired")
                }
                for item in results
                if not item.is_retired
            },
            "retired_audiences": {
                item.audience_name: item.removes for item in results if item.is_retired
            },
        }
        _write_json(exports_dir / STATE_FILE, new_state)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    # Older snapshots (and any a killed run left) are no longer needed.
    for old in state_root.iterdir():
        if old.name != snapshot_name:
            shutil.rmtree(old, ignore_errors=True)
    return ExportResult(
        True,
        build_id,
        state.get("build_id"),
        exports_dir,
        tuple(results),
        tuple(warnings),
    )


def _write_audience(
    con: duckdb.DuckDBPyConnection,
    staging: Path,
    snapshot: Path | None,
    name: str,
    previous_snapshot: Path | None,
    was_exported: bool,
) -> tuple[int, int, int]:
    """Writes one audience's files from temp table current_members; returns
    (members, adds, removes)."""
    previous_file = (
        previous_snapshot / f"{name}.parquet"
        if previous_snapshot is not None and was_exported
        else None
    )
    if previous_file is not None and previous_file.is_file():
        con.execute(
            "create or replace temp table previous_members as"
            f" select {COLUMNS} from read_parquet({_literal(previous_file)})"
        )
    else:
        con.execute(
            "create or replace temp table previous_members as"
            f" select {COLUMNS} from current_members where false"
        )
    queries = {
        "": "select * from current_members",
        "_adds": "select * from current_members except select * from previous_members",
        "_removes": "select * from previous_members"
        " except select * from current_members",
    }
    counts = []
    for suffix, query in queries.items():
        ordered = f"select * from ({query}) order by {COLUMNS}"
        for fmt in FORMATS:
            target = staging / f"{name}{suffix}.{fmt}"
            options = "format csv, header true" if fmt == "csv" else "format parquet"
            con.execute(f"copy ({ordered}) to {_literal(target)} ({options})")
        counts.append(con.sql(f"select count(*) from ({query})").fetchall()[0][0])
        if suffix == "" and snapshot is not None:
            shutil.copyfile(staging / f"{name}.parquet", snapshot / f"{name}.parquet")
    return counts[0], counts[1], counts[2]


def _published_build(
    con: duckdb.DuckDBPyConnection, db_path: Path
) -> tuple[str, str | None]:
    tables = {
        name
        for (name,) in con.sql(
            "select table_name from information_schema.tables"
            " where table_catalog = 'published'"
        ).fetchall()
    }
    missing = [name for name in REQUIRED_TABLES if name not in tables]
    if missing:
        raise ExportError(
            f"{db_path} has no {', '.join(missing)}: audiences are exported "
            "only from a published build (segmentation publish) of a "
            "project with the audience marts, never from a development file."
        )
    build_id, as_of_date = con.sql(
        "select build_id, cast(as_of_date as varchar) from published.publish_metadata"
    ).fetchall()[0]
    return build_id, as_of_date


def _previous_snapshot(
    exports_dir: Path, state: dict, warnings: list[str]
) -> Path | None:
    name = state.get("snapshot")
    if not name:
        return None
    path = exports_dir / STATE_DIR / name
    if not path.is_dir():
        warnings.append(
            f"the previous export's snapshot {path} is missing: every member "
            "counts as an add and nothing as a remove this time."
        )
        return None
    return path


def _read_state(exports_dir: Path) -> dict:
    path = exports_dir / STATE_FILE
    if not path.exists():
        return {}
    try:
        state = json.loads(path.read_text())
    except (OSError, ValueError) as err:
        raise ExportError(
            f"cannot read the export state {path}: {err}. Fix or delete it "
            "(deleting it makes the next export send everyone as adds)."
        ) from err
    if not isinstance(state, dict):
        raise ExportError(f"the export state {path} is not a JSON object.")
    return state


def _write_json(path: Path, value: dict) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    with open(tmp, "w") as handle:
        json.dump(value, handle, indent=2, sort_keys=False)
        handle.write("\n")
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)


def _literal(value: object) -> str:
    return "'" + str(value).replace("'", "''") + "'"


def _safe(text: str) -> str:
    return "".join(c if c.isalnum() or c in "-_" else "_" for c in text)
