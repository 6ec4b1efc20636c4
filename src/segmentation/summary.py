"""Print where the results are and a per-segment table, so a newcomer sees
the outcome of `make run` without opening a SQL client.

Usage: python -m segmentation.summary --db warehouse/segmentation.duckdb
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import duckdb

SEGMENT_QUERY = """
    select segment_name, customers, customer_share, revenue_share
    from segment_summary
    order by segment_rank, segment_name
"""
CLUSTER_QUERY = """
    select cluster_name, customers, customer_share, revenue_share
    from cluster_profiles
    order by cluster_id
"""
RUN_QUERY = """
    select
        (select max(as_of_date) from customer_segments) as as_of_date,
        (select count(*) from customer_segments) as customers,
        (select sum(order_lines) from order_line_reconciliation) as raw_lines,
        (select sum(order_lines) from order_line_reconciliation
         where outcome <> 'clean') as quarantined_lines
"""


def read_summary(db_path: Path) -> tuple[dict, list[tuple], list[tuple]]:
    """Read the run's headline figures, the per-segment rows and the
    per-cluster rows (none when the K-means models were not built)."""
    with duckdb.connect(str(db_path), read_only=True) as con:
        names = ["as_of_date", "customers", "raw_lines", "quarantined_lines"]
        headline = dict(zip(names, con.sql(RUN_QUERY).fetchall()[0], strict=True))
        segments = con.sql(SEGMENT_QUERY).fetchall()
        tables = {row[0] for row in con.sql("show tables").fetchall()}
        clusters = (
            con.sql(CLUSTER_QUERY).fetchall() if "cluster_profiles" in tables else []
        )
    return headline, segments, clusters


def share_table(title: str, rows: list[tuple]) -> list[str]:
    """One line a group: name, customers, share of customers and of revenue."""
    lines = [f"{title:<20} {'customers':>10} {'share':>7} {'revenue share':>14}"]
    for name, customers, customer_share, revenue_share in rows:
        lines.append(
            f"{name:<20} {customers:>10,} {customer_share:>7.1%}"
            f" {(revenue_share or 0):>14.1%}"
        )
    return lines


def format_summary(
    db_path: Path, headline: dict, segments: list[tuple], clusters: list[tuple]
) -> str:
    """The text `make run` ends with: where to look, then one line a segment
    and one line a K-means cluster."""
    quarantined = headline["quarantined_lines"] or 0
    lines = [
        f"Results: {db_path} (DuckDB; open it read-only from a BI tool)",
        "  tables: customer_segments, segment_summary, customer_clusters,"
        " cluster_profiles, cluster_model_selection, quarantined_order_lines, ...",
        f"As of {headline['as_of_date']}: {headline['customers']:,} customers"
        f" scored from {headline['raw_lines']:,} order lines"
        f" ({quarantined:,} quarantined with a reason).",
        "",
        *share_table("RFM segment", segments),
    ]
    if clusters:
        lines += ["", *share_table("K-means cluster", clusters)]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--db", type=Path, default=Path("warehouse/segmentation.duckdb")
    )
    args = parser.parse_args(argv)
    if not args.db.exists():
        print(f"No database at {args.db}: run `make run` first.", file=sys.stderr)
        return 1
    headline, segments, clusters = read_summary(args.db)
    print(format_summary(args.db, headline, segments, clusters))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
