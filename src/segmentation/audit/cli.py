"""Command line of the audit, for the Makefile's publish step: prints each
failure and where the Data Docs are; exit status 0 = publish, 1 = audit
failed, 2 = the candidate could not be audited (missing file or table).

    segmentation audit --db warehouse/candidate.duckdb \\
        --docs-dir target/audit_docs [--max-segment-share 0.6] \\
        [--segment-share "Champions=0.05:0.3"] [--monetary-tolerance 0.01]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from segmentation.audit.candidate import CandidateError
from segmentation.audit.run import run_audit


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    started = time.perf_counter()
    try:
        result = run_audit(
            args.db,
            docs_dir=args.docs_dir,
            max_segment_share=args.max_segment_share,
            min_segment_share=args.min_segment_share,
            segment_shares=dict(args.segment_share),
            monetary_tolerance=args.monetary_tolerance,
        )
    except (CandidateError, ValueError) as error:
        print(f"audit: cannot audit {args.db}: {error}", file=sys.stderr)
        return 2
    seconds = time.perf_counter() - started
    for line in result.failures:
        print(f"FAILED {line}")
    verdict = "passed" if result.success else "FAILED"
    failed = len(result.failures)
    print(
        f"audit {verdict}: {result.checked - failed} of {result.checked} "
        f"expectations passed on {args.db} ({seconds:.1f} s)"
    )
    if result.report_path is not None:
        print(f"Data Docs: {result.report_path.resolve().as_uri()}")
    return 0 if result.success else 1


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="segmentation audit",
        description="Audit a candidate segmentation DuckDB file with Great "
        "Expectations before it is published.",
    )
    parser.add_argument("--db", type=Path, required=True, help="candidate file")
    parser.add_argument(
        "--docs-dir", type=Path, required=True, help="where Data Docs are written"
    )
    parser.add_argument("--max-segment-share", type=float, default=0.6)
    parser.add_argument("--min-segment-share", type=float, default=0.0)
    parser.add_argument(
        "--segment-share",
        type=_segment_share,
        action="append",
        default=[],
        metavar="NAME=MIN:MAX",
        help="bounds for one segment's share of customers (repeatable)",
    )
    parser.add_argument("--monetary-tolerance", type=float, default=0.01)
    return parser


def _segment_share(text: str) -> tuple[str, tuple[float, float]]:
    """'Champions=0.05:0.3' -> ('Champions', (0.05, 0.3))."""
    name, sep, span = text.rpartition("=")
    low, colon, high = span.partition(":")
    if not (sep and colon and name):
        raise argparse.ArgumentTypeError(f"expected NAME=MIN:MAX, got {text!r}")
    try:
        return name, (float(low), float(high))
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"bad share in {text!r}: {error}") from None


if __name__ == "__main__":
    sys.exit(main())
