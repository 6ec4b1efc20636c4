"""A refresh equals a full build. Real order lines (a slice of the UCI
file) arrive as CSV exports: a first file is built and published; a second
file adds new orders of old and new customers, lines of orders the first
file already began, late lines of earlier months and exact copies of lines
of the first file. `segmentation publish --refresh` adds it to a copy of
the published build; a full build of both files, into other folders, must
publish the same tables row for row. Then a refresh after a file it read
has changed must stop, naming the fix, and publish nothing."""

from __future__ import annotations

import io
import json
import os
import shutil
from pathlib import Path

import duckdb
import pytest
from dbt_project_runner import demo_input, run_dbt, with_shared_parse_cache
from pipeline_data import PROJECT_DIR

from segmentation.publish import run_pipeline
from segmentation.publish.refresh import new_lines_summary, with_refresh_var

SOURCE = PROJECT_DIR / "data" / "online_retail_2010_2011.parquet"
COLUMNS = demo_input("online_retail_2010_2011")["columns"]
# Lines of the second file that belong before its first day: late lines.
LATE = "rn % 40 = 0 and InvoiceDate >= '2011-10-01'"
# Both files are exported as a shop's system writes them: one per period.
FIRST, SECOND = "orders_2011_a.csv", "orders_2011_b.csv"
# A period without orders: the header alone. It sorts before FIRST, and
# has no line to number: it must not stop a refresh as a new file out of
# order.
NO_ORDERS = "orders_2011_0.csv"


def write_exports(folder: Path) -> None:
    """A sixth of the customers (and the guest lines), in two CSV files cut
    at 2011-11-20, the second with the late lines and 30 copies of lines of
    the first."""
    with duckdb.connect() as con:
        con.execute(
            f"""
            create table lines as
            select * from (
                select * exclude (file_row_number), file_row_number as rn
                from read_parquet('{SOURCE}', file_row_number = true)
            )
            where coalesce(CustomerID, rn) % 6 = 0
            """
        )
        con.execute(
            f"""
            copy (
                select * exclude (rn) from lines
                where InvoiceDate < '2011-11-20' and not ({LATE})
                order by rn
            ) to '{folder / FIRST}' (header, delimiter ',')
            """
        )
        con.execute(
            f"""
            copy (
                select * exclude (rn) from (
                    select * from lines
                    where InvoiceDate >= '2011-11-20'
                        or ({LATE} and InvoiceDate < '2011-11-20')
                    union all
                    (select * from lines
                     where InvoiceDate < '2011-10-01' and StockCode is not null
                     order by rn limit 30)
                )
                order by rn
            ) to '{folder / "next.csv"}' (header, delimiter ',')
            """
        )
    header = (folder / FIRST).read_text().splitlines(keepends=True)[0]
    (folder / NO_ORDERS).write_text(header)


def dbt_args(folder: Path) -> list[str]:
    settings = {
        "order_inputs": [
            {"name": "shop", "path": str(folder / "orders_*.csv"), "columns": COLUMNS}
        ],
        # K-means and CLV read the current tables whole in either build;
        # left out to keep the test short.
        "clustering_enabled": False,
        "clv_enabled": False,
    }
    return ["--vars", json.dumps(settings)]


def publish(tmp: Path, name: str, folder: Path, *, refresh: bool, audit: bool):
    out, err = io.StringIO(), io.StringIO()
    builds_dir = tmp / f"{name}_builds"
    if not builds_dir.exists():
        # The full build and the refresh's first build parse alike.
        with_shared_parse_cache(builds_dir)
    result = run_pipeline(
        project_dir=PROJECT_DIR,
        publish_dir=tmp / f"{name}_published",
        builds_dir=builds_dir,
        dbt_args=dbt_args(folder),
        refresh=refresh,
        skip_audit=not audit,
        out=out,
        err=err,
    )
    assert result.exit_code == 0, out.getvalue() + err.getvalue()
    return result, out.getvalue()


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("refresh")
    folder = tmp / "exports"
    folder.mkdir()
    write_exports(folder)
    # Only the refresh is audited: the audit changes no table, and the
    # other two are the refresh's starting point and its reference.
    first, first_out = publish(tmp, "daily", folder, refresh=True, audit=False)
    (folder / "next.csv").rename(folder / SECOND)
    refreshed, refreshed_out = publish(tmp, "daily", folder, refresh=True, audit=True)
    rebuilt, _ = publish(tmp, "rebuild", folder, refresh=False, audit=False)
    return tmp, folder, first_out, refreshed, refreshed_out, rebuilt


def published_tables(path: Path) -> dict[str, list[tuple]]:
    with duckdb.connect(str(path), read_only=True) as con:
        names = [
            name
            for (name,) in con.execute(
                "select table_name from duckdb_tables() order by table_name"
            ).fetchall()
            # Which build, and the snapshot's validity timestamps, differ
            # by design; the snapshot's history is the point of keeping it.
            if name not in {"publish_metadata", "customer_segments_snapshot"}
        ]
        return {
            name: sorted(
                con.execute(f'select * from "{name}"').fetchall(),
                key=lambda row: tuple((value is None, str(value)) for value in row),
            )
            for name in names
        }


def test_first_run_builds_in_full_and_says_why(runs):
    _, _, first_out, _, _, _ = runs
    assert "Full build, not a refresh: no published build" in first_out


def test_second_run_refreshes_from_the_published_build(runs):
    _, folder, first_out, refreshed, refreshed_out, _ = runs
    assert "Refresh: starting from build" in refreshed_out
    # The lines of the second file, less its header.
    added = len((folder / SECOND).read_text().splitlines()) - 1
    assert f"Refresh: added {added:,} order lines from 1 new file ({SECOND})." in (
        refreshed_out
    )
    assert "Refresh: added" not in first_out
    assert "tables and publish_metadata) in " in refreshed_out
    # dbt's own progress line says the history is refreshed, not rebuilt.
    with duckdb.connect(str(refreshed.candidate), read_only=True) as con:
        dates = con.execute(
            "select count(*) from int_history_as_of_dates_resolved"
        ).fetchone()[0]
    log = (refreshed.candidate.parent / "target" / "logs" / "dbt.log").read_text()
    assert f"segment history: refresh: computing {dates} of {dates} as-of" in log
    with duckdb.connect(str(refreshed.candidate), read_only=True) as con:
        files = con.execute(
            "select source_file, order_lines from int_order_input_files_read"
            " order by source_file"
        ).fetchall()
    assert [Path(name).name for name, _ in files] == [FIRST, SECOND]


def test_refresh_equals_a_full_build(runs):
    _, _, _, refreshed, _, rebuilt = runs
    got = published_tables(refreshed.published)
    want = published_tables(rebuilt.published)
    assert got.keys() == want.keys()
    assert "customer_segment_history" in got  # the dated chain is compared
    for name in want:
        assert got[name] == want[name], name
    # The copies of first-file lines point at their first copy there.
    duplicates = [r for r in got["quarantined_order_lines"] if r[3] == "duplicate_line"]
    assert len(duplicates) >= 30


def test_refresh_line_accounting_fails_when_a_new_line_is_lost(runs, tmp_path):
    """A refresh's accounting test reads only the files it added, yet a
    line of them missing from the tables still fails it, by name."""
    _, folder, _, refreshed, _, _ = runs
    shutil.copy(refreshed.candidate, tmp_path / "warehouse.duckdb")
    with duckdb.connect(str(tmp_path / "warehouse.duckdb")) as con:
        con.execute(
            "delete from int_order_lines_validated where order_line_id = ("
            " select max(order_line_id) from int_order_lines_validated"
            " where line_status = 'clean')"
        )
    settings = json.loads(dbt_args(folder)[1]) | {"refresh_from_stored": True}
    run = run_dbt(
        tmp_path,
        "test",
        dbt_vars=settings,
        extra_args=[
            "--select",
            "assert_every_raw_order_line_accounted_for_once",
            "--store-failures",
        ],
    )
    assert run.returncode != 0, run.output[-2000:]
    [(reason,)] = run.query(
        "select failure_reason"
        " from main_dbt_test__audit.assert_every_raw_order_line_accounted_for_once"
    )
    assert "1 raw lines in none of clean, quarantined" in reason


def refresh_again(tmp: Path, folder: Path, capfd) -> tuple[int, str]:
    """The daily refresh of `folder` once more: its exit code, and dbt's
    output followed by the publish step's."""
    out = io.StringIO()
    result = run_pipeline(
        project_dir=PROJECT_DIR,
        publish_dir=tmp / "daily_published",
        builds_dir=tmp / "daily_builds",
        dbt_args=dbt_args(folder),
        refresh=True,
        out=out,
        err=out,
    )
    return result.exit_code, capfd.readouterr().out + out.getvalue()


def test_refresh_after_an_edit_that_keeps_the_size_stops(runs, capfd):
    # One quantity edited in a file already read, 3 made 4: the same bytes
    # count, so only the modification time tells. Put back afterwards, time
    # and all, for the next test.
    tmp, folder, _, refreshed, _, _ = runs
    before = refreshed.published.read_bytes()
    path = folder / FIRST
    text, stat = path.read_text(), path.stat()
    edited = text.replace(",3,", ",4,", 1)
    assert edited != text and len(edited) == len(text)
    try:
        path.write_text(edited)
        os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 2_000_000_000))
        exit_code, dbt_output = refresh_again(tmp, folder, capfd)
    finally:
        path.write_text(text)
        os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert exit_code == 1
    output = " ".join(dbt_output.split())
    assert f"{FIRST} has changed since the stored build read it: same size" in output
    assert "and its content differs" in output
    assert refreshed.published.read_bytes() == before


def test_a_file_downloaded_again_with_the_same_bytes_is_not_a_change(runs, capfd):
    # A new modification time, the same content (a sync that rewrites every
    # file): the refresh goes on and adds nothing from it.
    tmp, folder, _, _, _, _ = runs
    path = folder / FIRST
    stat = path.stat()
    try:
        path.write_bytes(path.read_bytes())
        os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 2_000_000_000))
        exit_code, dbt_output = refresh_again(tmp, folder, capfd)
    finally:
        os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert exit_code == 0, dbt_output[-3000:]
    assert "has changed since" not in dbt_output
    assert "Refresh: no new order lines" in dbt_output


def test_refresh_after_a_read_file_changed_stops_and_publishes_nothing(runs, capfd):
    tmp, folder, _, refreshed, _, _ = runs
    before = refreshed.published.read_bytes()
    with (folder / FIRST).open("a") as handle:
        handle.write("581587,22138,BAKING SET,3,12/9/2011 12:50,4.95,12680,France\n")
    exit_code, dbt_output = refresh_again(tmp, folder, capfd)
    assert exit_code == 1
    assert f"{FIRST} has changed since the stored build read it" in dbt_output
    assert "segmentation publish without --refresh" in dbt_output
    assert refreshed.published.read_bytes() == before


@pytest.mark.parametrize(
    ("files", "said"),
    [
        ({}, "Refresh: no new order lines (every input file was read"),
        ({"/x/a.csv": 2}, "Refresh: added 2 order lines from 1 new file (a.csv)."),
        (
            {f"/x/day_{day}.csv": 1_000 for day in range(1, 6)},
            "Refresh: added 5,000 order lines from 5 new files (day_1.csv,"
            " day_2.csv, day_3.csv, 2 more).",
        ),
    ],
)
def test_a_refresh_says_what_it_added(tmp_path, files, said):
    candidate = tmp_path / "candidate.duckdb"
    with duckdb.connect(str(candidate)) as con:
        con.execute("create table stg_orders__new_order_lines (source_file varchar)")
        for name, lines in files.items():
            con.execute(
                "insert into stg_orders__new_order_lines"
                f" select '{name}' from range({lines})"
            )
    assert new_lines_summary(candidate, tmp_path).startswith(said)


def test_a_refresh_counts_new_lines_read_from_relative_paths(tmp_path):
    # As in dbt's run, the new lines are a view over the new files, named
    # relative to the project; the publish runs from anywhere.
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "day.csv").write_text("order_id\nA\nB\nC\n")
    candidate = tmp_path / "candidate.duckdb"
    with duckdb.connect(str(candidate)) as con:
        con.execute(f"set file_search_path = '{tmp_path}'")
        con.execute(
            "create view stg_orders__new_order_lines as select filename as"
            " source_file from read_csv('data/day.csv', filename = true)"
        )
    assert new_lines_summary(candidate, tmp_path) == (
        "Refresh: added 3 order lines from 1 new file (day.csv)."
    )


def test_a_build_of_an_earlier_version_is_refused_in_words(runs, tmp_path):
    # A stored build whose files table lacks a column this version keeps
    # (the publish builds in full then; a hand-run dbt refresh is told to).
    _, folder, _, refreshed, _, _ = runs
    shutil.copy(refreshed.candidate, tmp_path / "candidate.duckdb")
    with duckdb.connect(str(tmp_path / "candidate.duckdb")) as con:
        con.execute("alter table int_order_input_files_read drop column file_md5")
    settings = json.loads(dbt_args(folder)[1])
    run = run_dbt(
        tmp_path,
        "run",
        {**settings, "refresh_from_stored": True},
        extra_args=["--select", "stg_orders__new_order_lines"],
        database="candidate",
    )
    assert run.returncode != 0
    output = " ".join(run.output.split())
    assert "made by an earlier version of the project" in output
    assert "int_order_input_files_read has no file_md5" in output
    assert "Build in full first" in output


def test_refresh_var_is_merged_into_the_vars_given():
    args = with_refresh_var(["--select", "x", "--vars", "{a: 1}"])
    assert args[:3] == ["--select", "x", "--vars"]
    assert json.loads(args[3]) == {"a": 1, "refresh_from_stored": True}
    assert with_refresh_var([]) == ["--vars", '{"refresh_from_stored": true}']
