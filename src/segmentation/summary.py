"""Print where the results are and a per-segment table, so a newcomer sees
the outcome of `make run` without opening a SQL client.

Works on a build of the RFM project (segments, then clusters) and on a build
of the K-means part alone on a customer table (`make personality`: clusters
with their campaign response rate).

Ends with where to look: the published data, the report and the docs site,
each with the command that makes it when it is not there yet.

Usage: segmentation summary --db warehouse/segmentation.duckdb
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

SEGMENT_QUERY = """
    select segment_name, customers, customer_share, revenue_share
    from segment_summary
    order by segment_rank, segment_name
"""
CLUSTER_QUERY = """
    select cluster_name, customers, customer_share, revenue_share, response_rate
    from cluster_profiles
    order by cluster_id
"""
RUN_QUERY = """
    select
        (select max(as_of_date) from customer_segments) as as_of_date,
        (select count(*) from customer_segments) as customers,
        (select sum(order_lines) from order_line_reconciliation) as raw_lines,
        (select sum(order_lines) from order_line_reconciliation
         where outcome not in ('clean', 'after_as_of_date')) as quarantined_lines,
        (select sum(order_lines) from order_line_reconciliation
         where outcome = 'after_as_of_date') as after_as_of_lines
"""
READING_LOG_QUERY = """
    select input_var, input_name, input_position, file_path, setting,
        setting_value, decided_by
    from input_reading_log
    order by input_var <> 'order_inputs', input_var, input_position, setting,
        file_path
"""
# The settings of input_reading_log worth a word in the summary, in order.
SUMMARY_SETTINGS = (
    "encoding",
    "delimiter",
    "header",
    "timestampformat",
    "decimal_separator",
    "thousands",
    "currency",
    "duplicate check",
)


@dataclass
class Summary:
    """What the summary shows; empty parts were not built."""

    headline: dict | None = None
    segments: list[tuple] = field(default_factory=list)
    clusters: list[tuple] = field(default_factory=list)
    clustered_customers: int | None = None
    build: tuple | None = None
    reading_log: list[tuple] = field(default_factory=list)
    reporting_currency: str | None = None


def read_summary(db_path: Path) -> Summary:
    """Read the run's headline figures, the per-segment rows and the
    per-cluster rows, each only when its tables were built."""
    out = Summary()
    with duckdb.connect(str(db_path), read_only=True) as con:
        tables = {row[0] for row in con.sql("show tables").fetchall()}
        if {"customer_segments", "segment_summary"} <= tables:
            names = [
                "as_of_date",
                "customers",
                "raw_lines",
                "quarantined_lines",
                "after_as_of_lines",
            ]
            row = con.sql(RUN_QUERY).fetchall()[0]
            out.headline = dict(zip(names, row, strict=True))
            out.segments = con.sql(SEGMENT_QUERY).fetchall()
        if "publish_metadata" in tables:
            query = "select build_id, built_at from publish_metadata"
            out.build = con.sql(query).fetchall()[0]
        if "input_reading_log" in tables:
            out.reading_log = con.sql(READING_LOG_QUERY).fetchall()
            out.reporting_currency = next(
                (row[5] for row in out.reading_log if row[4] == "reporting_currency"),
                None,
            )
        if "cluster_profiles" in tables:
            out.clusters = con.sql(CLUSTER_QUERY).fetchall()
            total = con.sql("select sum(customers) from cluster_profiles")
            out.clustered_customers = total.fetchall()[0][0]
    return out


def share_table(title: str, rows: list[tuple]) -> list[str]:
    """One line a group: name, customers, share of customers and of revenue,
    and the campaign response rate when the rows carry one."""
    with_response = any(len(row) > 4 and row[4] is not None for row in rows)
    header = f"{title:<22} {'customers':>10} {'share':>7} {'revenue share':>14}"
    lines = [header + (f" {'response rate':>14}" if with_response else "")]
    for name, customers, customer_share, revenue_share, *rest in rows:
        line = (
            f"{name:<22} {customers:>10,} {customer_share:>7.1%}"
            f" {(revenue_share or 0):>14.1%}"
        )
        if with_response:
            line += f" {(rest[0] or 0):>14.1%}"
        lines.append(line)
    return lines


def reading_lines(log: list[tuple]) -> list[str]:
    """One line per input of input_reading_log: its format, files and rows,
    then the settings a reader most needs, each with who decided it."""
    inputs: dict[tuple, dict] = {}
    for input_var, name, position, file_path, setting, value, decided in log:
        one = inputs.setdefault(
            (input_var, position, name), {"files": 0, "rows": 0, "settings": {}}
        )
        if setting == "rows":
            one["files"] += 1
            one["rows"] += int(value)
        elif setting == "skipped":
            one["settings"].setdefault("skipped", []).append(file_path)
        elif file_path is None:
            one["settings"][setting] = (value, decided)
    lines = []
    for (input_var, _, name), one in inputs.items():
        label = f"{input_var} {name!r}" if input_var == "order_inputs" else input_var
        fmt = one["settings"].get("format", ("?", ""))[0]
        parts = [f"{fmt}, {one['files']} file(s), {one['rows']:,} rows"]
        if fmt == "relation":
            parts = [f"relation, {one['rows']:,} rows" if one["rows"] else "relation"]
        for setting in SUMMARY_SETTINGS:
            if setting in one["settings"]:
                value, decided = one["settings"][setting]
                parts.append(f"{setting} {value} ({decided})")
        if "skipped" in one["settings"]:
            parts.append(
                "empty files skipped: " + ", ".join(one["settings"]["skipped"])
            )
        lines.append(f"  {label}: " + "; ".join(parts))
    return lines


def format_summary(db_path: Path, summary: Summary) -> str:
    """The text `make run` ends with: where to look, then one line a segment
    and one line a K-means cluster."""
    lines = [f"Results: {db_path} (DuckDB; open it read-only from a BI tool)"]
    if summary.build:
        build_id, built_at = summary.build
        lines.append(
            f"  published build {build_id}, built {built_at:%Y-%m-%d %H:%M %Z}"
        )
    if summary.headline:
        head = summary.headline
        lines += [
            "  tables: customer_segments, segment_summary, customer_clusters,"
            " cluster_profiles, cluster_model_selection, quarantined_order_lines,"
            " ...",
            f"As of {head['as_of_date']}: {head['customers']:,} customers"
            f" scored from {head['raw_lines']:,} order lines"
            f" ({head['quarantined_lines'] or 0:,} quarantined with a reason"
            + (
                f", {head['after_as_of_lines']:,} dated after the as-of date"
                if head.get("after_as_of_lines")
                else ""
            )
            + ").",
        ]
        if summary.reporting_currency:
            lines.append(
                f"Amounts in {summary.reporting_currency} (var reporting_currency)."
            )
        lines += [
            "",
            *share_table("RFM segment", summary.segments),
        ]
    if summary.clusters:
        if not summary.headline:
            lines += [
                "  tables: customer_clusters, cluster_profiles,"
                " cluster_feature_profiles, cluster_model_selection, ...",
                f"{summary.clustered_customers:,} customers clustered.",
            ]
        lines += ["", *share_table("K-means cluster", summary.clusters)]
    if summary.reading_log:
        lines += [
            "",
            "How the inputs were read (table input_reading_log; docs/inputs.md):",
            *reading_lines(summary.reading_log),
        ]
    return "\n".join(lines)


DEFAULT_REPORTS = (
    Path("reports/segment_report.html"),
    Path("reports/segment_report.pdf"),
)
REPORT_COMMAND = "make report"
DEFAULT_DOCS = Path("target/static_index.html")
DOCS_COMMAND = "make docs"


def format_locations(
    db_path: Path,
    reports: Sequence[Path] = DEFAULT_REPORTS,
    docs: Path = DEFAULT_DOCS,
) -> str:
    """Where the outputs of a run are: the data BI reads, the report files
    that exist, the docs site; for a missing one, how to make it."""
    found = [str(path) for path in reports if path.exists()]
    report = ", ".join(found) if found else f"not written yet: {REPORT_COMMAND}"
    site = (
        f"{docs} (dbt docs: lineage, every model and column; open in a browser)"
        if docs.exists()
        else f"not generated yet: {DOCS_COMMAND}"
    )
    return "\n".join(
        [
            "Where to look:",
            f"  data    {db_path} (open read-only from a BI tool)",
            f"  report  {report}",
            f"  docs    {site}",
        ]
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="segmentation summary", description=__doc__.splitlines()[0]
    )
    parser.add_argument(
        "--db", type=Path, default=Path("warehouse/segmentation.duckdb")
    )
    parser.add_argument(
        "--report",
        type=Path,
        action="append",
        help="report file to point to when it exists (repeatable; default: "
        + ", ".join(map(str, DEFAULT_REPORTS))
        + ")",
    )
    parser.add_argument(
        "--docs",
        type=Path,
        default=DEFAULT_DOCS,
        help=f"the docs site's page (default {DEFAULT_DOCS})",
    )
    args = parser.parse_args(argv)
    args.report = args.report or list(DEFAULT_REPORTS)
    if not args.db.exists():
        print(f"No database at {args.db}: run `make run` first.", file=sys.stderr)
        return 1
    print(format_summary(args.db, read_summary(args.db)))
    print()
    print(format_locations(args.db, args.report, args.docs))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
