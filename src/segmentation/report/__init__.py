"""The segment report: an HTML document (and its PDF) generated from the
published DuckDB file, with an executive summary, a profile per RFM segment
and per K-means cluster, the 3 / 4 / 5 cluster comparison, the budget split
and data quality, in English or French."""

from segmentation.report.cli import write_report

__all__ = ["write_report"]
