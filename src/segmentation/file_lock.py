"""One process at a time per folder, for the publisher and the audience export.

`fcntl.flock` on a lock file: the kernel drops the lock when its holder dies,
even by SIGKILL, so a killed run never leaves a lock someone must delete. A
second process waits for the first, polling, up to a timeout. The lock file
is never deleted (deleting a flock file lets two processes lock two different
files of one name).
"""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

POLL_SECONDS = 0.1


@contextmanager
def exclusive_lock(
    lock_path: Path,
    *,
    timeout: float,
    file_mode: int,
    open_failed: Callable[[OSError], Exception],
    timed_out: Callable[[], Exception],
) -> Iterator[None]:
    """Hold an exclusive flock on `lock_path` for the body of the `with`.

    The callers build the errors, so that each names its own command and what
    it left unchanged: `open_failed` when the lock file cannot be opened,
    `timed_out` when another process still holds it after `timeout` seconds.
    """
    try:
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, file_mode)
    except OSError as err:
        raise open_failed(err) from err
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise timed_out() from None
                time.sleep(POLL_SECONDS)
        yield
    finally:
        os.close(fd)
