"""Two publishers of one folder take turns: the second waits for the lock,
and gives up with a clear message when the first holds it too long."""

from __future__ import annotations

import fcntl
import os
import subprocess
import threading
import time

import pytest
from publish_helpers import (
    TABLES,
    child_args,
    make_candidate,
    metadata,
    read_build,
    sha256,
    step,
)

from segmentation.publish import PublishError, publish_candidate


@pytest.fixture
def published(tmp_path):
    candidate = make_candidate(tmp_path / "a.duckdb", customers=100, label="a")
    return publish_candidate(
        candidate, tmp_path / "pub", tables=TABLES, metadata=metadata("a")
    )


def hold_lock(lock_file):
    """Take the publish lock the way another publisher would."""
    fd = os.open(lock_file, os.O_RDWR)
    fcntl.flock(fd, fcntl.LOCK_EX)
    return fd


def test_second_publisher_gives_up_after_the_timeout(published, tmp_path):
    candidate = make_candidate(tmp_path / "b.duckdb", customers=200, label="b")
    lock_file = published.parent / ".segments.lock"
    before = sha256(published)
    fd = hold_lock(lock_file)
    try:
        started = time.monotonic()
        with pytest.raises(PublishError) as raised:
            publish_candidate(
                candidate,
                published.parent,
                tables=TABLES,
                metadata=metadata("b"),
                lock_timeout=0.5,
            )
        waited = time.monotonic() - started
    finally:
        os.close(fd)
    assert waited >= 0.5
    assert f"another publish holds the lock {lock_file}" in str(raised.value)
    assert "is unchanged" in str(raised.value)
    assert sha256(published) == before


def test_second_publisher_waits_for_the_first(published, tmp_path):
    candidate = make_candidate(tmp_path / "b.duckdb", customers=200, label="b")
    fd = hold_lock(published.parent / ".segments.lock")
    threading.Timer(0.5, os.close, [fd]).start()
    started = time.monotonic()
    publish_candidate(
        candidate, published.parent, tables=TABLES, metadata=metadata("b")
    )
    assert time.monotonic() - started >= 0.45
    assert read_build(published)["build_id"] == "b"


def test_concurrent_publishers_both_succeed_one_after_the_other(tmp_path):
    """Without the lock, the second would delete the first's working file as
    stale, and the first's rename would fail."""
    publish_dir = tmp_path / "pub"
    children = []
    for label in ("x", "y"):
        candidate = make_candidate(
            tmp_path / f"{label}.duckdb", customers=300_000, label=label
        )
        args = child_args(publish_dir, [step(candidate, label)], announce=True)
        children.append(
            subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        )
    outputs = [child.communicate(timeout=120) for child in children]
    assert [child.returncode for child in children] == [0, 0], outputs
    build = read_build(publish_dir / "segments.duckdb")
    assert build["build_id"] in {"x", "y"}
    assert build["labels"] == {build["build_id"]}
    assert (
        build["counts"]
        == build["actual"]
        == {
            "customer_segments": 300_000,
            "segment_summary": 11,
        }
    )
