"""One publisher at a time per publish folder (see segmentation.file_lock)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from segmentation.file_lock import exclusive_lock
from segmentation.publish.errors import PublishError


@contextmanager
def publish_lock(
    lock_path: Path, *, timeout: float, file_mode: int, unchanged: str
) -> Iterator[None]:
    """Hold the publish lock for the body of the `with`; a second publisher
    waits up to `timeout` seconds. `unchanged` is the sentence the errors end
    with (which file is intact)."""
    with exclusive_lock(
        lock_path,
        timeout=timeout,
        file_mode=file_mode,
        open_failed=lambda err: PublishError(
            f"could not open the publish lock file {lock_path}: {err}. {unchanged}"
        ),
        timed_out=lambda: PublishError(
            f"another publish holds the lock {lock_path} and did not "
            f"finish within {timeout:g} s. {unchanged}"
        ),
    ):
        yield
