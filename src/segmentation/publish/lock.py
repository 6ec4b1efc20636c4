"""One publisher at a time per publish folder.

`fcntl.flock` on a lock file: the kernel drops the lock when its holder dies,
even by SIGKILL, so a killed run never leaves a lock someone must delete. A
second publisher waits for the first, polling, up to a timeout, then fails
with a message naming the lock file. The lock file is never deleted (deleting
a flock file lets two processes lock two different files of one name).
"""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from segmentation.publish.errors import PublishError

POLL_SECONDS = 0.1


@contextmanager
def publish_lock(
    lock_path: Path, *, timeout: float, file_mode: int, unchanged: str
) -> Iterator[None]:
    """Hold an exclusive flock on `lock_path` for the body of the `with`.

    `unchanged` is the sentence the errors end with (which file is intact).
    """
    try:
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, file_mode)
    except OSError as err:
        raise PublishError(
            f"could not open the publish lock file {lock_path}: {err}. {unchanged}"
        ) from err
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise PublishError(
                        f"another publish holds the lock {lock_path} and did not "
                        f"finish within {timeout:g} s. {unchanged}"
                    ) from None
                time.sleep(POLL_SECONDS)
        yield
    finally:
        os.close(fd)
