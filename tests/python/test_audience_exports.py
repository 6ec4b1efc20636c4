"""The audience export step (segmentation.audiences) on small published
files made here: the files it writes, adds and removes between builds,
retired audiences, a build exported twice, a run that dies halfway, and
files that are not published builds. No dbt: test_dbt_audiences.py covers
the marts these files come from."""

from __future__ import annotations

import fcntl
import io
import json
import os
import time
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from segmentation.audiences import STATE_FILE, ExportError, export_audiences
from segmentation.audiences import export as export_module
from segmentation.audiences.cli import export_dir_var, main

A = "a" * 64
B = "b" * 64
C = "c" * 64
P = "1" * 64

FIRST = {
    "audience_meta_champions": [("C1", A, None), ("C2", B, P)],
    "audience_meta_lost": [("C3", None, P)],
    "audience_google_champions": [("C1", C, None)],
}


def publish(path: Path, build_id: str, audiences: dict[str, list[tuple]]) -> Path:
    """A file shaped like a published build: the two audience marts and
    publish_metadata."""
    path.unlink(missing_ok=True)
    with duckdb.connect(str(path)) as con:
        con.execute(
            "create table publish_metadata as select ? as build_id,"
            " date '2024-01-01' as as_of_date",
            [build_id],
        )
        con.execute(
            "create table audience_summary (audience_name varchar,"
            " platform varchar, segment_type varchar, segment_name varchar,"
            " segment_rank integer)"
        )
        con.execute(
            "create table audience_members (audience_name varchar,"
            " customer_id varchar, hashed_email varchar, hashed_phone varchar)"
        )
        for rank, (name, members) in enumerate(audiences.items(), start=1):
            platform = name.split("_")[1]
            con.execute(
                "insert into audience_summary values (?, ?, 'rfm_segment', ?, ?)",
                [name, platform, name.split("_", 2)[2], rank],
            )
            for member in members:
                con.execute(
                    "insert into audience_members values (?, ?, ?, ?)",
                    [name, *member],
                )
    return path


def rows(path: Path) -> list[tuple]:
    frame = pd.read_parquet(path)
    frame = frame.astype(object).where(frame.notna(), None)
    return [tuple(r) for r in frame.itertuples(index=False)]


@pytest.fixture
def first_export(tmp_path: Path) -> tuple[Path, Path]:
    db = publish(tmp_path / "segments.duckdb", "build_1", FIRST)
    exports = tmp_path / "exports"
    result = export_audiences(db, exports)
    assert result.exported and result.previous_build_id is None
    return db, exports


def test_first_export_writes_every_audience_with_everyone_as_adds(first_export):
    _, exports = first_export
    for name, members in FIRST.items():
        for suffix in ("", "_adds", "_removes"):
            assert (exports / f"{name}{suffix}.csv").is_file()
            assert (exports / f"{name}{suffix}.parquet").is_file()
        assert rows(exports / f"{name}.parquet") == sorted(members)
        assert rows(exports / f"{name}_adds.parquet") == sorted(members)
        assert rows(exports / f"{name}_removes.parquet") == []
    csv_text = (exports / "audience_meta_champions.csv").read_text().splitlines()
    assert csv_text == [
        "customer_id,hashed_email,hashed_phone",
        f"C1,{A},",
        f"C2,{B},{P}",
    ]
    state = json.loads((exports / STATE_FILE).read_text())
    assert state["build_id"] == "build_1"
    assert state["audiences"]["audience_meta_champions"]["members"] == 2


def test_next_build_exports_only_the_changes(first_export, tmp_path: Path):
    db, exports = first_export
    second = {
        # C1 left, C2 changed email, C4 joined.
        "audience_meta_champions": [("C2", C, P), ("C4", A, None)],
        "audience_meta_lost": [("C3", None, P)],
        "audience_google_champions": [("C1", C, None)],
    }
    publish(db, "build_2", second)
    result = export_audiences(db, exports)
    assert result.exported and result.previous_build_id == "build_1"
    name = "audience_meta_champions"
    assert rows(exports / f"{name}.parquet") == [("C2", C, P), ("C4", A, None)]
    assert rows(exports / f"{name}_adds.parquet") == [("C2", C, P), ("C4", A, None)]
    assert rows(exports / f"{name}_removes.parquet") == [
        ("C1", A, None),
        ("C2", B, P),
    ]
    # An unchanged audience sends nothing.
    assert rows(exports / "audience_meta_lost_adds.parquet") == []
    assert rows(exports / "audience_meta_lost_removes.parquet") == []
    counts = {a.audience_name: (a.members, a.adds, a.removes) for a in result.audiences}
    assert counts[name] == (2, 2, 2)


def test_an_audience_that_disappears_is_retired(first_export):
    db, exports = first_export
    publish(
        db, "build_2", {k: v for k, v in FIRST.items() if k != "audience_meta_lost"}
    )
    result = export_audiences(db, exports)
    (retired,) = [a for a in result.audiences if a.is_retired]
    assert (retired.audience_name, retired.members, retired.removes) == (
        "audience_meta_lost",
        0,
        1,
    )
    assert rows(exports / "audience_meta_lost_removes.parquet") == [("C3", None, P)]
    assert not (exports / "audience_meta_lost.csv").exists()
    assert not (exports / "audience_meta_lost.parquet").exists()
    state = json.loads((exports / STATE_FILE).read_text())
    assert "audience_meta_lost" not in state["audiences"]
    assert state["retired_audiences"] == {"audience_meta_lost": 1}


def test_the_same_build_is_not_exported_twice(first_export):
    db, exports = first_export
    before = (exports / "audience_meta_champions_adds.csv").read_bytes()
    result = export_audiences(db, exports)
    assert not result.exported
    # The adds a sync has not read yet are still there.
    assert (exports / "audience_meta_champions_adds.csv").read_bytes() == before
    forced = export_audiences(db, exports, force=True)
    assert forced.exported
    assert all(a.adds == 0 and a.removes == 0 for a in forced.audiences)


def test_a_run_that_dies_halfway_leaves_the_previous_export_in_charge(
    first_export, monkeypatch
):
    db, exports = first_export
    second = {**FIRST, "audience_meta_champions": [("C4", A, None)]}
    publish(db, "build_2", second)
    real_replace = os.replace
    calls = {"n": 0}

    def dying_replace(src, dst):
        calls["n"] += 1
        if calls["n"] == 5:
            raise OSError("disk full")
        real_replace(src, dst)

    monkeypatch.setattr(export_module.os, "replace", dying_replace)
    with pytest.raises(ExportError, match="previous export is still in charge"):
        export_audiences(db, exports)
    monkeypatch.setattr(export_module.os, "replace", real_replace)
    assert json.loads((exports / STATE_FILE).read_text())["build_id"] == "build_1"
    result = export_audiences(db, exports)
    name = "audience_meta_champions"
    assert rows(exports / f"{name}_adds.parquet") == [("C4", A, None)]
    assert rows(exports / f"{name}_removes.parquet") == [("C1", A, None), ("C2", B, P)]
    assert result.previous_build_id == "build_1"
    # Only the current snapshot is kept; no staging folder is left behind.
    assert len(list((exports / ".audience_state").iterdir())) == 1
    assert not [p for p in exports.iterdir() if p.name.startswith(".export-")]


def test_only_published_builds_are_exported(tmp_path: Path):
    with pytest.raises(ExportError, match="no published build"):
        export_audiences(tmp_path / "missing.duckdb", tmp_path / "exports")
    dev = tmp_path / "dev.duckdb"
    with duckdb.connect(str(dev)) as con:
        con.execute("create table audience_members (audience_name varchar)")
    with pytest.raises(ExportError, match="publish_metadata"):
        export_audiences(dev, tmp_path / "exports")
    assert not (tmp_path / "exports" / STATE_FILE).exists()


def test_cli_exports_and_reports(tmp_path: Path):
    db = publish(tmp_path / "segments.duckdb", "build_1", FIRST)
    out, err = io.StringIO(), io.StringIO()
    code = main(
        ["--db", str(db), "--exports-dir", str(tmp_path / "out")], out=out, err=err
    )
    assert code == 0, err.getvalue()
    assert "first export" in out.getvalue()
    assert "audience_meta_champions" in out.getvalue()
    assert (tmp_path / "out" / "audience_meta_champions_adds.csv").is_file()
    code = main(["--db", str(tmp_path / "none.duckdb")], out=out, err=err)
    assert code == 1
    assert "no published build" in err.getvalue()


def test_exports_dir_comes_from_the_dbt_var(tmp_path: Path):
    (tmp_path / "dbt_project.yml").write_text(
        "name: x\nvars:\n  audience_export_dir: out/audiences\n"
    )
    assert export_dir_var(tmp_path) == "out/audiences"
    assert export_dir_var(tmp_path / "nowhere") == "exports"
    project = Path(__file__).resolve().parents[2]
    assert export_dir_var(project) == "exports"


def test_a_second_export_waits_for_the_first_then_gives_up(first_export):
    """The lock another export holds: nothing is written until it is free,
    and a clear error after the timeout."""
    db, exports = first_export
    state_before = (exports / STATE_FILE).read_bytes()
    publish(db, "build_2", {"audience_meta_champions": [("C9", A, None)]})
    fd = os.open(exports / export_module.LOCK_FILE, os.O_RDWR)
    fcntl.flock(fd, fcntl.LOCK_EX)
    try:
        started = time.monotonic()
        with pytest.raises(ExportError, match="another export holds"):
            export_audiences(db, exports, lock_timeout=0.4)
        assert time.monotonic() - started >= 0.4
        assert (exports / STATE_FILE).read_bytes() == state_before
    finally:
        os.close(fd)
    assert export_audiences(db, exports).exported
