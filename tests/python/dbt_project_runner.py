"""Run the real dbt project against a throwaway DuckDB file, the way a user
would, so tests see the same errors and tables a user sees."""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import pickle
import shutil
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import duckdb
import yaml
from built_once import built_once, built_once_in

from segmentation.publish.builds import PARSE_CACHE

# Vars a parse does not depend on, shared with the publish's parse cache.
from segmentation.publish.dbt_in_process import COMPILE_TIME_VARS

PROJECT_DIR = Path(__file__).resolve().parents[2]
DBT = Path(sys.executable).with_name("dbt")


@dataclass
class DbtRun:
    """Outcome of one dbt command."""

    returncode: int
    output: str
    db_path: Path

    def query(self, sql: str) -> list[tuple]:
        """Rows of `sql` run read-only against the run's database."""
        with duckdb.connect(str(self.db_path), read_only=True) as con:
            return con.sql(sql).fetchall()


def demo_input(name: str) -> dict:
    """One input of the demo's var order_inputs, as dbt_project.yml states
    it (its path relative to the project), for tests that read a slice of
    the demo data with the same column mapping."""
    project = yaml.safe_load((PROJECT_DIR / "dbt_project.yml").read_text())
    [found] = [i for i in project["vars"]["order_inputs"] if i["name"] == name]
    return found


def cautious_selection(*selectors: str) -> list[str]:
    """dbt arguments that build `selectors` and run a data test only when
    all its parents are built (a test of a model left out would fail on a
    missing relation)."""
    return ["--indirect-selection", "cautious", "--select", *selectors]


def selected_build(*selectors: str) -> list[str]:
    """dbt arguments that build `selectors` with their own data tests only:
    cautious, so a test runs only when all its parents are built, and
    without the unit tests and the tests of staging, of the intermediate
    and marts folders' common yml and of the seeds, which other builds run."""
    return [
        *cautious_selection(*selectors),
        "--exclude",
        "resource_type:unit_test",
        "resource_type:test,path:models/staging",
        "resource_type:test,path:models/intermediate/_intermediate__models.yml",
        "resource_type:test,path:models/marts/_marts__models.yml",
        "resource_type:test,path:seeds",
    ]


def publish_command(builds_dir: Path, publish_dir: Path, *args: str) -> list[str]:
    """`segmentation publish` of the project into `builds_dir` and
    `publish_dir`, run as a user runs it: a process of its own."""
    return [
        sys.executable,
        "-m",
        "segmentation.publish",
        "--project-dir",
        str(PROJECT_DIR),
        "--builds-dir",
        str(builds_dir),
        "--publish-dir",
        str(publish_dir),
        *args,
    ]


def with_shared_parse_cache(builds_dir: Path) -> Path:
    """`builds_dir`, made, with the publish's parse cache (builds.PARSE_CACHE)
    a link to one folder of the test run (share_parses_in), so that
    publishes into other folders with the same dbt arguments parse the
    project once. The cache is made for builds that share it: a lock per
    parse. Without a shared folder, the cache stays the folder's own."""
    builds_dir.mkdir(parents=True, exist_ok=True)
    if _shared_parses is not None:
        shared = _shared_parses / "publish_parse_cache"
        shared.mkdir(exist_ok=True)
        (builds_dir / PARSE_CACHE).symlink_to(shared, target_is_directory=True)
    return builds_dir


_in_process = threading.Lock()
# Pickled, so that each run gets a fresh copy.
_parsed_manifests: dict[str, bytes] = {}
# The test run's folder, where each parse is kept for all its workers
# (share_parses_in); None keeps each parse in the process that made it.
_shared_parses: Path | None = None


def share_parses_in(run_folder: Path) -> None:
    """Keep each parse in `run_folder`, shared by every pytest-xdist worker
    of the test run: a worker then loads a parse another one made instead of
    parsing the project again."""
    global _shared_parses
    _shared_parses = run_folder


def parse_key(dbt_vars: dict | None, database: str = "warehouse") -> str:
    """What a parse of the project depends on: the vars of `dbt_vars` but
    COMPILE_TIME_VARS, and the database's name (dbt-duckdb names it after
    the file, and the parse names it in every relation)."""
    kept = {k: v for k, v in (dbt_vars or {}).items() if k not in COMPILE_TIME_VARS}
    return json.dumps({"database": database, "vars": kept}, sort_keys=True)


def succeeded(run: DbtRun) -> DbtRun:
    """`run`, once dbt is seen to have exited 0 (else its output, to read)."""
    assert run.returncode == 0, run.output
    return run


def run_dbt(
    work_dir: Path,
    command: str = "build",
    dbt_vars: dict | None = None,
    extra_args: list[str] | None = None,
    threads: int = 2,
    duckdb_threads: int | None = None,
    extra_env: dict[str, str] | None = None,
    database: str = "warehouse",
) -> DbtRun:
    """Run `dbt <command>` on the project with its database in `work_dir`,
    in the file `database`.duckdb (a copy of a build keeps its file's name:
    its views name the database).

    dbt runs inside this process, on a parse of the project shared by every
    run whose vars differ only in COMPILE_TIME_VARS: importing dbt and parsing
    the project cost more than most of the builds the tests make. `extra_env`
    (e.g. another TZ, which a running process cannot take), `--quiet` and
    SEGMENTATION_TEST_DBT=subprocess run the dbt executable instead, exactly
    as a user would."""
    db_path = work_dir / f"{database}.duckdb"
    env = {
        "SEGMENTATION_DB_PATH": str(db_path),
        "SEGMENTATION_THREADS": str(threads),
        "SEGMENTATION_DUCKDB_THREADS": (
            None if duckdb_threads is None else str(duckdb_threads)
        ),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        "TZ": "UTC",
    }
    common = [
        "--project-dir",
        str(PROJECT_DIR),
        "--profiles-dir",
        str(PROJECT_DIR),
        "--target-path",
        str(work_dir / "target"),
        "--log-path",
        str(work_dir / "logs"),
    ]
    if dbt_vars:
        common += ["--vars", json.dumps(dbt_vars)]
    args = [command, *common, *(extra_args or [])]
    # --quiet output (what `dbt compile --quiet --inline` prints) is the
    # executable's to shape.
    executable = (
        extra_env
        or "--quiet" in args
        or os.environ.get("SEGMENTATION_TEST_DBT") == "subprocess"
    )
    # dbt keeps global state (flags, dbt-duckdb's one open database), so one
    # run at a time in a process; a test that runs several at once from
    # threads gets the executable for all but the first.
    if executable or not _in_process.acquire(blocking=False):
        return _run_dbt_executable(args, {**env, **(extra_env or {})}, db_path)
    try:
        return _run_dbt_in_process(args, env, db_path, dbt_vars)
    finally:
        _in_process.release()


def _run_dbt_executable(args: list[str], env: dict, db_path: Path) -> DbtRun:
    full_env = {**os.environ, **{k: v for k, v in env.items() if v is not None}}
    if env.get("SEGMENTATION_DUCKDB_THREADS") is None:
        full_env.pop("SEGMENTATION_DUCKDB_THREADS", None)
    completed = subprocess.run(
        [str(DBT), *args],
        cwd=PROJECT_DIR,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    return DbtRun(completed.returncode, completed.stdout + completed.stderr, db_path)


@contextlib.contextmanager
def _environment(env: dict[str, str | None]):
    """os.environ and the working folder as the dbt executable would see them,
    restored afterwards."""
    saved = {name: os.environ.get(name) for name in env}
    cwd = os.getcwd()
    try:
        for name, value in env.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        os.chdir(PROJECT_DIR)
        yield
    finally:
        os.chdir(cwd)
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def _release_duckdb() -> None:
    """dbt-duckdb keeps its database open in a class attribute after a run;
    a reader in this process (a test's read-only query) could not open the
    file beside it, and the next run may point elsewhere."""
    from dbt.adapters.duckdb.connections import DuckDBConnectionManager

    environment = DuckDBConnectionManager._ENV
    DuckDBConnectionManager._ENV = None
    if environment is not None:
        environment.close()


class _ParseFailedError(Exception):
    """dbt could not parse the project; `run` says why."""

    def __init__(self, run: DbtRun) -> None:
        super().__init__(run.output)
        self.run = run


def _run_dbt_in_process(
    args: list[str], env: dict, db_path: Path, dbt_vars: dict | None
) -> DbtRun:
    from dbt.cli.main import dbtRunner

    # What the dbt executable prints: dbt's events at info level and above,
    # and what Python models print (their progress lines).
    lines: list[str] = []

    def keep_console_events(event) -> None:
        if event.info.level != "debug":
            lines.append(event.info.msg)

    def parse(folder: Path) -> bytes:
        """The project parsed with the run's vars, its files in `folder`,
        pickled."""
        parse_args = _parse_arguments(args, folder)
        parsed = dbtRunner(callbacks=[keep_console_events]).invoke(parse_args)
        if not parsed.success:
            raise _ParseFailedError(DbtRun(2, _output(lines, printed, parsed), db_path))
        return pickle.dumps(parsed.result)

    printed = io.StringIO()
    with (
        _environment(env),
        contextlib.redirect_stdout(printed),
        contextlib.redirect_stderr(printed),
    ):
        try:
            if args[0] == "parse":
                # What is asked for is a parse, with its artefacts.
                manifest = None
            else:
                # A copy for each run: dbt writes compiled code and injected
                # CTEs into the manifest it runs, and skips what it marked
                # as done.
                key = parse_key(dbt_vars, db_path.stem)
                manifest = _fresh_copy(_parsed(key, parse))
            result = dbtRunner(
                manifest=manifest, callbacks=[keep_console_events]
            ).invoke(args)
        except _ParseFailedError as failed:
            return failed.run
        finally:
            _release_duckdb()
    # The dbt executable's exit codes: 1 when a node failed, 2 when dbt
    # itself could not run the command.
    returncode = 0 if result.success else (2 if result.exception else 1)
    return DbtRun(returncode, _output(lines, printed, result), db_path)


def _parsed(key: str, parse: Callable[[Path], bytes]) -> bytes:
    """The pickled parse of `key`: kept in this process, else in the run's
    folder (made there by the first worker that needs it), else `parse`d
    in a folder of its own."""
    if key not in _parsed_manifests:
        if _shared_parses is None:
            folder = Path(tempfile.mkdtemp(prefix="dbt_parse_"))
            try:
                _parsed_manifests[key] = parse(folder)
            finally:
                shutil.rmtree(folder, ignore_errors=True)
        else:
            digest = hashlib.sha256(key.encode()).hexdigest()[:16]
            _parsed_manifests[key] = built_once_in(
                _shared_parses, f"dbt_parse_{digest}", parse
            )
    return _parsed_manifests[key]


def _parse_arguments(args: list[str], folder: Path) -> list[str]:
    """`dbt parse` with the project, profile and vars of `args` (a dbt
    command), writing its files to `folder`: no JSON artefacts, since the
    manifest is used as it is returned."""
    kept = ["parse"]
    for name in ("--project-dir", "--profiles-dir", "--vars"):
        if name in args:
            kept += [name, args[args.index(name) + 1]]
    return [
        *kept,
        "--target-path",
        str(folder / "target"),
        "--log-path",
        str(folder / "logs"),
        "--no-write-json",
    ]


def _fresh_copy(pickled: bytes):
    """A manifest from its pickle, with its lookup caches emptied: dbt 1.11
    pickles them positionally and restores some into the wrong slots; each
    is rebuilt from the nodes on first use."""
    manifest = pickle.loads(pickled)
    for name in vars(manifest):
        if name.startswith("_") and name.endswith("_lookup"):
            setattr(manifest, name, None)
    return manifest


def _output(lines: list[str], printed: io.StringIO, result) -> str:
    exception = [str(result.exception)] if result.exception else []
    return "\n".join([*lines, printed.getvalue(), *exception])


def reused_demo_build() -> DbtRun | None:
    """The build of the demo data with the default vars that `make test`
    made just before pytest (its dbt-test step), when SEGMENTATION_TEST_BUILD
    names its candidate file: tests that only read such a build use it
    instead of paying for another. None when unset (e.g. plain `pytest`)."""
    candidate = os.environ.get("SEGMENTATION_TEST_BUILD")
    if not candidate:
        return None
    return candidate_build(Path(candidate))


def candidate_build(candidate: Path) -> DbtRun:
    """The build of a publish's candidate file, its output dbt's log."""
    db_path = candidate.resolve()
    log = db_path.with_name("target") / "logs" / "dbt.log"
    if not db_path.is_file() or not log.is_file():
        raise FileNotFoundError(f"{candidate}: no build file or no dbt log ({log})")
    return DbtRun(0, log.read_text(errors="replace"), db_path)


def demo_published(tmp_path_factory) -> Path:
    """A folder holding `builds/` and `published/` of `segmentation publish`
    of the demo data with the default vars (audit skipped), made once for
    the whole test run: what make test's dbt-test step makes before pytest,
    for a pytest run on its own."""

    def publish(folder: Path) -> Path:
        builds = with_shared_parse_cache(folder / "builds")
        command = publish_command(builds, folder / "published", "--skip-audit")
        run = subprocess.run(command, capture_output=True, text=True, check=False)
        assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
        return folder

    return built_once(tmp_path_factory, "demo_published", publish)


def demo_build(tmp_path_factory) -> DbtRun:
    """The build of the demo data with the default vars and every test: the
    one `make test` made (reused_demo_build), else the candidate of the test
    run's publish of the demo (demo_published). Tests read it; one that
    changes it works on a copy of its file (copy_of)."""
    reused = reused_demo_build()
    if reused is not None:
        return reused
    builds = demo_published(tmp_path_factory) / "builds"
    [candidate] = builds.glob("build_*/candidate.duckdb")
    return candidate_build(candidate)


def copy_of(run: DbtRun, work_dir: Path) -> str:
    """A copy of `run`'s database file in `work_dir`, under the file's own
    name, which its views name as their database; that name, for run_dbt's
    `database`."""
    shutil.copy(run.db_path, work_dir / run.db_path.name)
    return run.db_path.stem


def reused_demo_manifest() -> dict | None:
    """The manifest of that build (see reused_demo_build), or None."""
    build = reused_demo_build()
    if build is None:
        return None
    target = build.db_path.with_name("target")
    return json.loads((target / "manifest.json").read_text())
