"""The publish's dbt build runs on a parse kept from one build to the next:
the second build, whose vars differ only in compile-time ones, is parsed
partially by dbt, in the cache, and so is a third that reaches the cache
through a link; no build parses on its own; each writes its own file."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from dbt_project_runner import PROJECT_DIR, selected_build

from segmentation.publish.dbt_in_process import cache_folder, parse_arguments

SEED = "value_tiers"  # a small seed: the builds here only prove where they write
FULL_PARSE = "Unable to do partial parsing because saved manifest not found"
NO_CHANGE = "Partial parsing enabled, no changes found, skipping parsing"


def build(tmp_path: Path, name: str, *args: str, cache: str = "cache") -> Path:
    """`dbt build --select SEED` through dbt_in_process into `name`'s own
    candidate file, with the parse cache shared by every call."""
    completed = run_build(tmp_path, name, *args, cache=cache)
    assert completed.returncode == 0, completed.stdout + completed.stderr
    return tmp_path / name


def run_build(
    tmp_path: Path, name: str, *args: str, cache: str = "cache"
) -> subprocess.CompletedProcess:
    folder = tmp_path / name
    folder.mkdir()
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "segmentation.publish.dbt_in_process",
            "--parse-cache",
            str(tmp_path / cache),
            "--",
            "build",
            "--project-dir",
            str(PROJECT_DIR),
            "--target-path",
            str(folder / "target"),
            "--log-path",
            str(folder / "target" / "logs"),
            *selected_build(SEED),
            *args,
        ],
        cwd=PROJECT_DIR,
        env={
            **os.environ,
            "SEGMENTATION_DB_PATH": str(folder / "candidate.duckdb"),
            "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        },
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


@pytest.fixture(scope="module")
def builds(tmp_path_factory) -> tuple[Path, list[Path]]:
    tmp = tmp_path_factory.mktemp("in_process")
    # Compile-time vars only: the same parse as none at all.
    same_parse = ["--vars", json.dumps({"rfm_tie_policy": "row"})]
    other_parse = ["--vars", json.dumps({"history_enabled": False})]
    first = build(tmp, "first")
    (tmp / "linked_cache").symlink_to(tmp / "cache", target_is_directory=True)
    return tmp, [
        first,
        build(tmp, "second", *same_parse),
        build(tmp, "linked", cache="linked_cache"),
        build(tmp, "other", *other_parse),
    ]


def test_the_second_build_is_parsed_partially_in_the_cache(builds):
    tmp, _ = builds
    log = cache_folder(tmp / "cache", ["--project-dir", str(PROJECT_DIR)])
    text = (log / "logs" / "dbt.log").read_text()
    # The first parse is whole, the next two find nothing changed.
    assert "Unable to do partial parsing" not in text.replace(FULL_PARSE, "")
    assert text.count(FULL_PARSE) == 1
    assert text.count(NO_CHANGE) == 2
    assert text.index(FULL_PARSE) < text.index(NO_CHANGE)


def test_no_build_parses_on_its_own(builds):
    _, folders = builds
    for folder in folders:
        assert (folder / "target" / "run_results.json").is_file()
        assert (folder / "target" / "manifest.json").is_file()
        assert not (folder / "target" / "partial_parse.msgpack").exists()


def test_each_build_writes_its_own_file(builds):
    _, folders = builds
    for folder in folders:
        with duckdb.connect(str(folder / "candidate.duckdb"), read_only=True) as con:
            [(rows,)] = con.sql(f"select count(*) from {SEED}").fetchall()
        assert rows > 0


def test_other_vars_are_parsed_in_a_cache_of_their_own(builds):
    tmp, _ = builds
    assert len([p for p in (tmp / "cache").iterdir() if p.is_dir()]) == 2


def test_vars_that_are_not_a_mapping_are_named_once(tmp_path):
    completed = run_build(tmp_path, "bad", "--vars", "{unclosed: [1")
    output = completed.stdout + completed.stderr
    assert completed.returncode == 2, output
    assert output.count("The YAML provided in the --vars argument is not valid") == 1
    assert parse_arguments(["--vars", "[1, 2]"]) is None


def test_a_cache_that_cannot_be_written_leaves_dbt_to_parse(tmp_path):
    (tmp_path / "cache").write_text("a file where the cache folder should be")
    folder = build(tmp_path, "uncached")
    assert (folder / "target" / "partial_parse.msgpack").is_file()
    with duckdb.connect(str(folder / "candidate.duckdb"), read_only=True) as con:
        [(rows,)] = con.sql(f"select count(*) from {SEED}").fetchall()
    assert rows > 0


def test_a_failed_parse_leaves_the_build_to_say_why(tmp_path):
    completed = run_build(tmp_path, "bad", "--target", "nope")
    output = completed.stdout + completed.stderr
    assert completed.returncode == 2, output
    # dbt's own words, printed once, by the build.
    assert output.count("does not have a target named 'nope'") == 1


def test_only_what_a_parse_depends_on_keys_the_cache():
    args = [
        "--select",
        "customer_segments",
        "--vars",
        "{as_of_date: 2011-12-01, clustering_enabled: false}",
        "--threads",
        "4",
        "--target=dev",
        "--full-refresh",
        "--no-partial-parse",
        "--profiles-dir",
        "/p",
    ]
    assert parse_arguments(args) == [
        "--vars",
        '{"clustering_enabled": false}',
        "--target",
        "dev",
        "--no-partial-parse",
        "--profiles-dir",
        "/p",
    ]
    # Another as-of date compiles other SQL from the same parse as no vars
    # at all; a var that turns models off is another parse.
    assert parse_arguments(["--vars", "{as_of_date: 2011-01-01}"]) == []
    assert parse_arguments(["--vars", "{}", "--target", "dev"]) == [
        "--target",
        "dev",
    ]
    assert parse_arguments(["--vars", "{clustering_enabled: true}"]) != (
        parse_arguments(["--vars", "{clustering_enabled: false}"])
    )
