"""The segment report: one self-contained, interactive HTML file (and its
PDF) generated from the published DuckDB file, with an overview, the RFM
segments and their movement over time, the K-means clusters in the terms
of the clustered table, the value model when it is published, the budget
split and a technical appendix, in English or French."""

from segmentation.report.cli import write_report

__all__ = ["write_report"]
