"""SIGKILL at any moment of a publish leaves segments.duckdb holding one
complete build, old or new, and the next publish succeeds with no clean-up
by hand. Real processes, real kills, at seeded random moments."""

from __future__ import annotations

import random
import signal
import subprocess
import time

import pytest
from publish_helpers import (
    TABLES,
    child_args,
    make_candidate,
    metadata,
    read_build,
    step,
)

from segmentation.publish import publish_candidate

SEED = 20261123
KILLS = 5
MAX_KILLS = 10
BIG_CUSTOMERS = 1_000_000
SMALL_CUSTOMERS = 1_000


@pytest.fixture(scope="module")
def big_candidate(tmp_path_factory):
    folder = tmp_path_factory.mktemp("big")
    return make_candidate(folder / "big.duckdb", customers=BIG_CUSTOMERS, label="big")


def start_publish(publish_dir, candidate, build_id) -> tuple[subprocess.Popen, float]:
    """A child publishing `candidate`; returns once it is about to start."""
    proc = subprocess.Popen(
        child_args(publish_dir, [step(candidate, build_id)], announce=True),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout.readline().strip() == "ready"
    return proc, time.monotonic()


def publish_seconds(big_candidate, tmp_path) -> float:
    """How long one publish of the big candidate takes here, so the kills
    spread over the whole of it on any machine."""
    proc, started = start_publish(tmp_path / "calibrate", big_candidate, "big")
    _, stderr = proc.communicate(timeout=120)
    seconds = time.monotonic() - started
    assert proc.returncode == 0, stderr
    assert_complete(tmp_path / "calibrate" / "segments.duckdb", "big", BIG_CUSTOMERS)
    return seconds


def assert_complete(published, build_id: str, customers: int) -> None:
    build = read_build(published)
    assert build["build_id"] == build_id
    assert build["counts"] == build["actual"]
    assert build["counts"]["customer_segments"] == customers
    assert build["labels"] == {build_id}


def temp_files(publish_dir) -> list[str]:
    return sorted(p.name for p in publish_dir.glob(".segments.*.tmp.duckdb*"))


def kill_publish_after(publish_dir, candidate, delay: float) -> bool:
    """Start publishing `candidate`, SIGKILL it `delay` s after it is ready;
    return whether it left a working file (the kill hit the copy)."""
    proc, started = start_publish(publish_dir, candidate, "big")
    time.sleep(max(0.0, delay - (time.monotonic() - started)))
    proc.send_signal(signal.SIGKILL)
    _, stderr = proc.communicate(timeout=30)
    # A late kill may find the publish done (exit 0): that end must hold too.
    assert proc.returncode in (-signal.SIGKILL, 0), stderr
    return bool(temp_files(publish_dir))


def publish_small(tmp_path, publish_dir, build_id: str) -> None:
    """A normal publish, which must need no clean-up and no lock waiting."""
    small = make_candidate(
        tmp_path / f"{build_id}.duckdb", customers=SMALL_CUSTOMERS, label=build_id
    )
    publish_candidate(
        small, publish_dir, tables=TABLES, metadata=metadata(build_id), lock_timeout=1
    )
    assert_complete(publish_dir / "segments.duckdb", build_id, SMALL_CUSTOMERS)
    assert temp_files(publish_dir) == []


def test_sigkill_at_random_moments_never_leaves_a_partial_file(big_candidate, tmp_path):
    publish_dir = tmp_path / "pub"
    published = publish_dir / "segments.duckdb"
    previous = "small_0"
    publish_small(tmp_path, publish_dir, previous)
    rng = random.Random(SEED)
    # Delays are seeded fractions of the measured publish time; a kill that
    # came too late halves the range, as this machine's speed varies.
    longest_delay = 0.9 * publish_seconds(big_candidate, tmp_path)
    kills = killed_mid_write = 0
    while kills < KILLS or (killed_mid_write < 2 and kills < MAX_KILLS):
        kills += 1
        delay = rng.uniform(0.0, longest_delay)
        hit_the_copy = kill_publish_after(publish_dir, big_candidate, delay)
        killed_mid_write += hit_the_copy
        holds = read_build(published)["build_id"]
        print(f"kill {kills} at {delay:.2f}s: holds {holds}, mid-write {hit_the_copy}")
        if holds == "big":
            assert_complete(published, "big", BIG_CUSTOMERS)
            longest_delay /= 2
        else:
            assert_complete(published, previous, SMALL_CUSTOMERS)
        previous = f"small_{kills}"
        publish_small(tmp_path, publish_dir, previous)
    # Kills must land while the copy was being written, or this test proved
    # nothing about the dangerous window.
    assert killed_mid_write >= 2
