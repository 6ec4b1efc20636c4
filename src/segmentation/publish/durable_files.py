"""File-system steps that make a publish crash-safe: a new file is only
visible under the published name once its bytes and the rename are on disk,
and whatever a killed run left behind is recognisable and removable."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

TEMP_MARKER = ".tmp.duckdb"


def temp_path(publish_dir: Path, published_name: str, build_id: str) -> Path:
    """The hidden working file for one publish, next to the published file.

    Same directory, so `os.replace` is a rename on one file system (atomic);
    the leading dot keeps BI file pickers from listing it.
    """
    stem = Path(published_name).stem
    safe_id = "".join(c if c.isalnum() or c in "-_" else "_" for c in build_id)
    return publish_dir / f".{stem}.{safe_id}.{os.getpid()}{TEMP_MARKER}"


def stale_temp_paths(publish_dir: Path, published_name: str) -> list[Path]:
    """Working files (and their .wal / spill folders) of earlier publishes."""
    stem = Path(published_name).stem
    return sorted(publish_dir.glob(f".{stem}.*{TEMP_MARKER}*"))


def remove_path(path: Path) -> None:
    """Remove a file or folder if it is there; a vanished one is fine."""
    try:
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        else:
            path.unlink()
    except FileNotFoundError:
        pass


def remove_temp_files(temp: Path) -> None:
    """Remove a working file with the .wal and spill folder DuckDB may add."""
    for path in (temp, Path(f"{temp}.wal"), Path(f"{temp}.spill")):
        remove_path(path)


def fsync_file(path: Path) -> None:
    """Flush a file's bytes to disk, so a crash right after the rename cannot
    leave the new name pointing at blocks that were never written."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def fsync_dir(path: Path) -> None:
    """Flush a directory entry, which is what makes a rename survive a crash."""
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
