"""When the disk is full or the folder cannot be written, publishing fails
with a message that says what, where, and that the published data did not
change; no working file is left behind. Real mechanisms, since root ignores
file modes: a file-size limit (EFBIG), a full tmpfs (ENOSPC), a read-only
bind mount (EROFS) and root without its override capabilities (EACCES). The
mounts live in a private mount namespace that disappears with the child."""

from __future__ import annotations

import resource
import signal
import stat

import pytest
from publish_helpers import (
    TABLES,
    child_args,
    make_candidates,
    metadata,
    run_child,
    sha256,
    step,
)

from segmentation.publish import publish_candidate

IN_PRIVATE_MOUNTS = ["unshare", "--mount", "--propagation", "private"]


@pytest.fixture(scope="module")
def candidates(tmp_path_factory):
    folder = tmp_path_factory.mktemp("candidates")
    return make_candidates(folder, {"small": 1_000, "big": 1_000_000})


@pytest.fixture
def published(candidates, tmp_path):
    """A folder already holding a published file."""
    return publish_candidate(
        candidates["small"], tmp_path / "pub", tables=TABLES, metadata=metadata("s")
    )


def assert_untouched(published, before: str) -> None:
    assert sha256(published) == before
    assert sorted(p.name for p in published.parent.iterdir()) == [
        ".segments.lock",
        "segments.duckdb",
    ]


def limit_file_size():
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # EFBIG instead of a kill
    resource.setrlimit(resource.RLIMIT_FSIZE, (1 << 20, 1 << 20))


def test_file_size_limit_fails_cleanly(candidates, published):
    before = sha256(published)
    code, report, stderr = run_child(
        child_args(published.parent, [step(candidates["big"], "b")]),
        preexec_fn=limit_file_size,
    )
    assert code == 3, stderr
    error = report["results"][0]["error"]
    assert "could not write the new copy" in error
    assert ".tmp.duckdb" in error
    assert "File too large" in error
    assert f"The published file {published} is unchanged." in error
    assert_untouched(published, before)


def test_full_disk_fails_cleanly_and_the_next_publish_fits(candidates, tmp_path):
    publish_dir = tmp_path / "tmpfs"
    publish_dir.mkdir()
    mount = 'mount -t tmpfs -o size=3m tmpfs "$0" && exec "$@"'
    steps = [
        step(candidates["small"], "s"),
        step(candidates["big"], "b"),
        step(candidates["small"], "s2"),
    ]
    code, report, stderr = run_child(
        [*IN_PRIVATE_MOUNTS, "sh", "-c", mount, publish_dir]
        + child_args(publish_dir, steps)
    )
    assert report is not None, stderr
    first, full, after = report["results"]
    assert first["error"] is None
    assert "No space left on device" in full["error"]
    assert "is unchanged" in full["error"]
    assert full["sha_after"] == full["sha_before"] == first["sha_after"]
    assert after["error"] is None  # nothing of the failed copy was left to fill it
    assert report["listing"] == [".segments.lock", "segments.duckdb"]
    assert code == 3


def test_read_only_folder_fails_cleanly(candidates, published):
    before = sha256(published)
    folder = published.parent
    read_only = 'mount --bind "$0" "$0" && mount -o remount,bind,ro "$0" && exec "$@"'
    code, report, stderr = run_child(
        [*IN_PRIVATE_MOUNTS, "sh", "-c", read_only, folder]
        + child_args(folder, [step(candidates["big"], "b")])
    )
    assert code == 3, stderr
    error = report["results"][0]["error"]
    assert f"could not open the publish lock file {folder}/.segments.lock" in error
    assert "Read-only file system" in error
    assert "is unchanged" in error
    assert_untouched(published, before)


def test_missing_folder_under_a_read_only_parent_fails_cleanly(candidates, tmp_path):
    parent = tmp_path / "ro"
    parent.mkdir()
    read_only = 'mount --bind "$0" "$0" && mount -o remount,bind,ro "$0" && exec "$@"'
    code, report, stderr = run_child(
        [*IN_PRIVATE_MOUNTS, "sh", "-c", read_only, parent]
        + child_args(parent / "pub", [step(candidates["small"], "s")])
    )
    assert code == 3, stderr
    error = report["results"][0]["error"]
    assert f"could not create the publish folder {parent / 'pub'}" in error
    assert "Read-only file system" in error
    assert list(parent.iterdir()) == []


def test_folder_without_write_permission_fails_cleanly(candidates, published):
    before = sha256(published)
    folder = published.parent
    folder.chmod(0o555)
    try:
        # Root without CAP_DAC_OVERRIDE obeys file modes like any user.
        code, report, stderr = run_child(
            ["setpriv", "--bounding-set=-dac_override,-dac_read_search"]
            + child_args(folder, [step(candidates["big"], "b")])
        )
    finally:
        folder.chmod(0o750)
    assert stat.S_IMODE(folder.stat().st_mode) == 0o750
    assert code == 3, stderr
    error = report["results"][0]["error"]
    assert "could not write the new copy" in error
    assert "Permission denied" in error
    assert "is unchanged" in error
    assert_untouched(published, before)
