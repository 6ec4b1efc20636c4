"""Build ids never collide, and pruning keeps the newest published and
rejected builds, never one whose process still runs."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys

from segmentation.publish.builds import new_build, prune_builds

T0 = dt.datetime(2026, 11, 23, 4, 0, tzinfo=dt.UTC)


def dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def make_build(builds_dir, minute: int, status: str, pid: int | None = None):
    build = new_build(builds_dir, now=T0 + dt.timedelta(minutes=minute))
    build.set_status(status)
    if pid is not None:
        record = json.loads(build.status_file.read_text())
        build.status_file.write_text(json.dumps({**record, "pid": pid}))
    build.candidate.write_bytes(b"db")
    build.target_dir.mkdir()
    (build.target_dir / "run_results.json").write_text("{}")
    return build.build_id


def test_builds_in_the_same_second_get_different_ids(tmp_path):
    ids = {new_build(tmp_path, now=T0).build_id for _ in range(3)}
    assert len(ids) == 3
    assert all(id_.startswith("build_20261123T040000Z_") for id_ in ids)


def test_prune_keeps_the_newest_of_each_kind(tmp_path):
    published = [make_build(tmp_path, m, "published") for m in range(4)]
    failed = [
        make_build(tmp_path, 10, "dbt_failed"),
        make_build(tmp_path, 11, "audit_failed"),
        make_build(tmp_path, 12, "building", pid=dead_pid()),  # killed run
    ]
    running = make_build(tmp_path, 13, "building", pid=os.getpid())
    current = make_build(tmp_path, 14, "building")
    deleted = prune_builds(tmp_path, keep_published=2, keep_failed=1, current=current)
    assert deleted == sorted([*published[:2], *failed[:2]])
    kept = {p.name.split(".")[0] for p in tmp_path.glob("*.status.json")}
    assert kept == {*published[2:], failed[2], running, current}
    left = {p.name for p in tmp_path.iterdir()}
    for build_id in deleted:
        assert not any(name.startswith(build_id) for name in left)
    for build_id in kept:
        assert {build_id, f"{build_id}.status.json"} <= left
        assert (tmp_path / build_id / "candidate.duckdb").is_file()
        assert (tmp_path / build_id / "target" / "run_results.json").is_file()
