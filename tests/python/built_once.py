"""A session fixture's value built once for the whole test run, not once per
pytest-xdist worker: a build of the project costs a minute of a 2-core
machine, and two workers that both need it would each pay for it."""

from __future__ import annotations

import fcntl
import os
import pickle
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import pytest

T = TypeVar("T")


def run_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The folder of this test run that all its workers share."""
    root = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        root = root.parent  # the run's folder, above each worker's own
    return root


def built_once(
    tmp_path_factory: pytest.TempPathFactory,
    name: str,
    build: Callable[[Path], T],
) -> T:
    """`build(folder)` in a folder every worker of this run shares, by the
    first worker that asks; the others wait for it and get a copy of what it
    returned (pickled). A build that raised is tried again by the next
    worker, so each reports the failure. The value must not be changed by
    the tests, nor the files in `folder`: other workers read them too. Its
    classes must live in a module of their own, not in a conftest.py: pytest
    imports every conftest as `conftest`, so pickle cannot find them."""
    return built_once_in(run_folder(tmp_path_factory), name, build)


def built_once_in(root: Path, name: str, build: Callable[[Path], T]) -> T:
    """built_once in `root`, the run's folder, for code that has no
    fixture to ask for it."""
    result = root / f"built_once_{name}.pickle"
    with open(root / f"built_once_{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if result.exists():
            return pickle.loads(result.read_bytes())
        # A folder of its own per attempt: a failed one may have left files.
        folder = Path(tempfile.mkdtemp(prefix=f"built_once_{name}_", dir=root))
        value = build(folder)
        result.write_bytes(pickle.dumps(value))
        return value
