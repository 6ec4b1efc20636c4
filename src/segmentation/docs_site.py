"""The dbt docs site, generated against the build that is published.

The site's column names and types (dbt's catalog) are read from the
candidate file of the published build
(`<builds dir>/<build id>/candidate.duckdb`), which holds every model; the
published file holds the marts only and is used when that candidate was
pruned. Nothing is written to the published
file, and the candidate is opened only by this command.

  segmentation docs            # target/static_index.html

Exit codes: 0 done, 2 dbt or the inputs failed. (The description check,
segmentation_dev.docs_check, reads the catalog this writes.)
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import duckdb

from segmentation.publish.builds import Build
from segmentation.publish.dbt_build import default_dbt_executable


def published_build_id(published: Path) -> str | None:
    """The build id recorded in the published file, if it has one."""
    with duckdb.connect(str(published), read_only=True) as con:
        tables = {row[0] for row in con.sql("show tables").fetchall()}
        if "publish_metadata" not in tables:
            return None
        return con.sql("select build_id from publish_metadata").fetchall()[0][0]


def docs_database(published: Path, builds_dir: Path) -> tuple[Path, Path | None]:
    """The database to read the catalog from, and the build's artifacts
    folder when the candidate is still there (else None)."""
    build_id = published_build_id(published)
    if build_id:
        build = Build(builds_dir, build_id, dt.datetime.now(dt.UTC))
        if build.candidate.exists():
            return build.candidate, build.target_dir
    return published, None


def generate(
    database: Path, target_dir: Path, project_dir: Path, *, static: bool, compile_: bool
) -> int:
    """`dbt docs generate` with the profile pointed at `database`."""
    args = [
        default_dbt_executable(),
        "docs",
        "generate",
        "--quiet",
        "--project-dir",
        str(project_dir),
        "--target-path",
        str(target_dir),
    ]
    args += ["--static"] if static else []
    args += [] if compile_ else ["--no-compile"]
    env = {
        **os.environ,
        "SEGMENTATION_DB_PATH": str(database),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    }
    return subprocess.run(args, cwd=project_dir, env=env, check=False).returncode


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="segmentation docs", description=__doc__.splitlines()[0]
    )
    parser.add_argument(
        "--published",
        type=Path,
        default=Path(
            os.environ.get("SEGMENTATION_PUBLISH_DIR") or "warehouse/published"
        )
        / "segments.duckdb",
        help="the published file (default warehouse/published/segments.duckdb)",
    )
    parser.add_argument(
        "--builds-dir",
        type=Path,
        default=Path(os.environ.get("SEGMENTATION_BUILDS_DIR") or "warehouse/builds"),
        help="where its candidate is (default warehouse/builds)",
    )
    parser.add_argument(
        "--target-dir",
        type=Path,
        default=None,
        help="where dbt writes the site (default target)",
    )
    parser.add_argument("--project-dir", type=Path, default=Path("."))
    args = parser.parse_args(argv)
    if not args.published.exists():
        print(
            f"docs: no published file at {args.published}; run `make run` first",
            file=sys.stderr,
        )
        return 2
    database, _ = docs_database(args.published, args.builds_dir)
    target_dir = args.target_dir or Path("target")
    print(f"docs: catalog from {database}", file=sys.stderr)
    code = generate(database, target_dir, args.project_dir, static=True, compile_=True)
    if code != 0:
        print(f"docs: dbt docs generate failed (exit {code})", file=sys.stderr)
        return 2
    page = target_dir / "static_index.html"
    print(f"docs: {page} (one self-contained page; `make docs-serve` to browse)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
