"""The end of `make run`'s summary: where the data, the report and the docs
are, or the command that makes each one that is missing."""

from __future__ import annotations

from segmentation.summary import DOCS_COMMAND, REPORT_COMMAND, format_locations


def test_missing_outputs_say_how_to_make_them(tmp_path):
    text = format_locations(
        tmp_path / "segments.duckdb",
        reports=[tmp_path / "r.html", tmp_path / "r.pdf"],
        docs=tmp_path / "static_index.html",
    )
    assert f"data    {tmp_path / 'segments.duckdb'}" in text
    assert f"report  not written yet: {REPORT_COMMAND}" in text
    assert f"docs    not generated yet: {DOCS_COMMAND}" in text


def test_existing_outputs_are_listed_by_path(tmp_path):
    html, pdf, docs = (tmp_path / name for name in ("r.html", "r.pdf", "i.html"))
    html.write_text("<html></html>")
    docs.write_text("<html></html>")
    text = format_locations(tmp_path / "s.duckdb", reports=[html, pdf], docs=docs)
    # Only the report file that exists is named.
    assert f"report  {html}\n" in text
    assert str(pdf) not in text
    assert f"docs    {docs} (dbt docs" in text
