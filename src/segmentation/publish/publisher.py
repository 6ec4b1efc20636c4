"""Publish a tested candidate build as the file BI tools read.

Readers never see a half-written file: the copy is written to a hidden file
in the publish folder, flushed, and renamed over the published name in one
`os.replace`. A reader that already has the old file open keeps reading it
(the rename does not touch its open file); a new connection gets the new one.
A crash or SIGKILL at any moment leaves the published file old or new, never
partial; the next publish removes the working file the dead one left.

One DuckDB caveat for readers: DuckDB shares one database instance per path
within a process, so a BI server that keeps any connection to the file open
(a pool) hands its new connections the old data too, until all are closed.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

import duckdb

from segmentation.publish.durable_files import (
    fsync_dir,
    fsync_file,
    remove_path,
    remove_temp_files,
    stale_temp_paths,
    temp_path,
)
from segmentation.publish.errors import PublishError
from segmentation.publish.lock import publish_lock
from segmentation.publish.metadata import PublishMetadata
from segmentation.publish.table_copy import (
    CandidateContentError,
    TableRef,
    write_published_copy,
)

PUBLISHED_NAME = "segments.duckdb"
DEFAULT_STORAGE_VERSION = "v1.4.0"
DEFAULT_LOCK_TIMEOUT = 120.0


def publish_candidate(
    candidate_db: Path | str,
    publish_dir: Path | str,
    *,
    tables: Iterable[str | TableRef],
    metadata: PublishMetadata,
    storage_version: str | None = DEFAULT_STORAGE_VERSION,
    dir_mode: int = 0o750,
    file_mode: int = 0o640,
    lock_timeout: float = DEFAULT_LOCK_TIMEOUT,
    published_name: str = PUBLISHED_NAME,
) -> Path:
    """Copy `tables` of `candidate_db` plus a `publish_metadata` row into
    `publish_dir/segments.duckdb`, atomically; return that path.

    `storage_version` (e.g. "v1.4.0"; None: this DuckDB's default) decides
    which DuckDB versions can open the file. `publish_dir` is created with
    `dir_mode` if missing (an existing folder keeps its mode); the published
    file gets `file_mode`. Publishers of one folder take turns: a second one
    waits up to `lock_timeout` seconds, then fails. Every failure raises
    `PublishError` and leaves the published file as it was.
    """
    candidate = Path(candidate_db).resolve()
    folder = Path(publish_dir).resolve()
    published = folder / published_name
    unchanged = f"The published file {published} is unchanged."
    refs = [t if isinstance(t, TableRef) else TableRef.parse(t) for t in tables]
    if not candidate.is_file():
        raise PublishError(
            f"the candidate build {candidate} does not exist. {unchanged}"
        )
    _make_publish_dir(folder, dir_mode, unchanged)
    lock_file = folder / f".{Path(published_name).stem}.lock"
    with publish_lock(
        lock_file, timeout=lock_timeout, file_mode=file_mode, unchanged=unchanged
    ):
        _remove_stale(folder, published_name, unchanged)
        temp = temp_path(folder, published_name, metadata.build_id)
        try:
            _write(
                candidate, temp, refs, metadata, storage_version, file_mode, unchanged
            )
            _replace(temp, published, unchanged)
        except BaseException:
            remove_temp_files(temp)
            raise
        try:
            fsync_dir(folder)
        except OSError as err:
            raise PublishError(
                f"the new file is in place at {published}, but flushing the folder "
                f"{folder} failed: {err}; after a power loss the old file may "
                "come back"
            ) from err
    return published


def _make_publish_dir(folder: Path, dir_mode: int, unchanged: str) -> None:
    if folder.is_dir():
        return
    try:
        folder.mkdir(parents=True, mode=dir_mode)
        os.chmod(folder, dir_mode)  # mkdir's mode is filtered by the umask
    except FileExistsError:
        if not folder.is_dir():
            raise PublishError(
                f"the publish folder {folder} exists but is not a folder. {unchanged}"
            ) from None
        # else another publisher made it meanwhile
    except OSError as err:
        raise PublishError(
            f"could not create the publish folder {folder}: {err}. {unchanged}"
        ) from err


def _remove_stale(folder: Path, published_name: str, unchanged: str) -> None:
    """Working files of killed runs; safe under the lock, as only a lock
    holder writes one."""
    for stale in stale_temp_paths(folder, published_name):
        try:
            remove_path(stale)
        except OSError as err:
            raise PublishError(
                f"could not remove {stale}, left by an interrupted publish: {err}. "
                f"{unchanged}"
            ) from err


def _write(
    candidate: Path,
    temp: Path,
    refs: list[TableRef],
    metadata: PublishMetadata,
    storage_version: str | None,
    file_mode: int,
    unchanged: str,
) -> None:
    try:
        write_published_copy(candidate, temp, refs, metadata, storage_version)
    except (CandidateContentError, ValueError) as err:  # ValueError: memory limit
        raise PublishError(f"cannot publish {candidate}: {err}. {unchanged}") from err
    except (duckdb.Error, OSError) as err:
        raise PublishError(
            f"could not write the new copy {temp} from {candidate}: "
            f"{_one_line(err)}. {unchanged}"
        ) from err
    leftover_wal = Path(f"{temp}.wal")
    if leftover_wal.exists():
        raise PublishError(
            f"DuckDB left {leftover_wal} after its checkpoint, so {temp} is not "
            f"complete on its own. {unchanged}"
        )
    try:
        os.chmod(temp, file_mode)
        fsync_file(temp)
    except OSError as err:
        raise PublishError(f"could not finish {temp}: {err}. {unchanged}") from err


def _replace(temp: Path, published: Path, unchanged: str) -> None:
    try:
        os.replace(temp, published)
    except OSError as err:
        raise PublishError(
            f"could not rename {temp} to {published}: {err}. {unchanged}"
        ) from err


def _one_line(err: BaseException) -> str:
    return " ".join(str(err).split())
