"""The segment report generated from a real published file of the demo
data: its figures against independent SQL on that file, English and
French, opened in headless Chromium (no console error, every section and
chart, a screenshot and a multi-page PDF), and files that lack the RFM,
history or metadata tables.

All in one module so the session's published file is built once per
pytest worker (the suite runs with --dist loadfile)."""

from __future__ import annotations

import html
import json
import math
import re
from pathlib import Path

import duckdb

from segmentation.report.browser import chromium_path
from segmentation.report.cli import main, write_report
from segmentation.report.i18n import translation_table

SECTIONS = ["summary", "segments", "clusters", "comparison", "budget", "quality"]
CHARTS = [
    "chart-segment-shares",
    "chart-pareto",
    "chart-rf-heatmap",
    "chart-transitions",
    "chart-cluster-shares",
    "chart-k-selection",
    "chart-cluster-projection",
    "chart-budget-segments",
    "chart-budget-clusters",
]


def query(published, sql: str, params=None) -> list[tuple]:
    with duckdb.connect(str(published.path), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


def visible_text(page: str) -> str:
    """The page's text with tags, the style sheet and data URIs removed."""
    page = re.sub(r"<style>.*?</style>", " ", page, flags=re.S)
    page = re.sub(r"<[^>]+>", " ", page)
    # ASCII whitespace only: French numbers keep their no-break spaces.
    return re.sub(r"[ \t\r\n]+", " ", html.unescape(page)).strip()


# --- figures against SQL ----------------------------------------------------


def test_headline_counts_customers_and_revenue(published_demo, report_en):
    [(customers, revenue, as_of)] = query(
        published_demo,
        "select count(*), sum(monetary), max(as_of_date) from customer_segments",
    )
    text = visible_text(report_en.text)
    assert f"{customers:,} customers analysed" in text
    assert f"{round(revenue):,} net revenue" in text
    assert f"{as_of.day} {as_of:%B %Y} as-of date" in text


def test_top_segment_sentence(published_demo, report_en):
    rows = query(
        published_demo,
        """
        select segment_name, count(*), sum(monetary)
        from customer_segments group by segment_name
        """,
    )
    customers = sum(r[1] for r in rows)
    revenue = sum(r[2] for r in rows)
    name, count, segment_revenue = max(rows, key=lambda r: r[2])
    expected = (
        f"The {name} segment holds {segment_revenue / revenue:.1%} of revenue with "
        f"{count:,} customers ({count / customers:.1%} of all customers)."
    )
    assert expected in visible_text(report_en.text)


def test_customers_needing_action_sentence(published_demo, report_en):
    [(action, customers)] = query(
        published_demo,
        "select (select count(distinct customer_id) from customer_alerts "
        "where alert_type <> 'lost'), (select count(*) from customer_segments)",
    )
    assert action > 0
    expected = f"{action:,} customers ({action / customers:.1%}) need action now"
    assert expected in visible_text(report_en.text)


def test_what_moved_since_the_previous_date(published_demo, report_en):
    # From the history itself, not from segment_transitions.
    [(previous, changed, both, new)] = query(
        published_demo,
        """
        with dates as (
            select distinct as_of_date from customer_segment_history
            order by as_of_date desc limit 2
        ),
        bounds as (select min(as_of_date) as d0, max(as_of_date) as d1 from dates),
        before as (
            select customer_id, segment_name from customer_segment_history, bounds
            where as_of_date = d0
        ),
        after as (
            select customer_id, segment_name from customer_segment_history, bounds
            where as_of_date = d1
        )
        select
            (select d0 from bounds),
            count(*) filter (where before.segment_name <> after.segment_name),
            count(before.customer_id),
            count(*) filter (where before.customer_id is null)
        from after left join before using (customer_id)
        """,
    )
    expected = (
        f"Since {previous.day} {previous:%B %Y}, {changed:,} returning customers "
        f"({changed / both:.1%}) changed segment, and {new:,} new customers were "
        "scored."
    )
    assert expected in visible_text(report_en.text)


def test_pareto_sentence(published_demo, report_en):
    amounts = [
        m for (m,) in query(published_demo, "select monetary from customer_segments")
    ]
    amounts.sort(reverse=True)
    top = math.ceil(0.2 * len(amounts))
    share = sum(amounts[:top]) / sum(amounts)
    expected = f"The top 20% of customers bring {share:.1%} of net revenue."
    assert expected in visible_text(report_en.text)


def test_one_profile_per_segment_and_cluster(published_demo, report_en):
    text = visible_text(report_en.text)
    segments = query(
        published_demo,
        "select segment_name, count(*), sum(monetary) / sum(frequency) "
        "from customer_segments group by all",
    )
    for name, customers, order_value in segments:
        assert re.search(rf"{re.escape(name)} .*?Customers {customers:,} \(", text), (
            name
        )
        assert f"Mean order value {order_value:,.2f}" in text
    clusters = query(
        published_demo,
        "select cluster_id, cluster_name, count(*) from customer_clusters group by all",
    )
    for cluster_id, name, customers in clusters:
        assert f"{cluster_id}. {name}" in text
        assert f"Customers in the segment (now {customers:,})" in text
    assert report_en.text.count('class="profile"') == len(segments) + len(clusters)


def test_budget_and_comparison_tables(published_demo, report_en):
    text = visible_text(report_en.text)
    for name, budget in query(
        published_demo, "select segment_name, budget from segment_budget"
    ):
        assert f"{name} " in text and f"{float(budget):,.2f}" in text
    for k, silhouette, stability in query(
        published_demo,
        "select k, silhouette, stability_ari from cluster_comparison",
    ):
        assert re.search(rf"\b{k}\b.*?{silhouette:.3f}.*?{stability:.3f}", text)


def test_data_quality_figures(published_demo, report_en):
    text = visible_text(report_en.text)
    [(lines,)] = query(
        published_demo, "select sum(order_lines) from order_line_reconciliation"
    )
    assert f"Order lines read {lines:,}" in text
    for reason, count in query(
        published_demo,
        "select outcome, sum(order_lines) from order_line_reconciliation "
        "where outcome <> 'clean' group by outcome",
    ):
        assert re.search(rf"{reason} {count:,} ", text), reason
    # The count of passed tests, from the build's own run_results.json.
    [(build_id, candidate)] = query(
        published_demo, "select build_id, candidate_path from publish_metadata"
    )
    results = Path(candidate).with_name(f"{build_id}_target") / "run_results.json"
    statuses = [
        r["status"]
        for r in json.loads(results.read_text())["results"]
        if r["unique_id"].split(".")[0] in {"test", "unit_test"}
    ]
    passed = statuses.count("pass")
    assert passed > 100
    assert f"{passed:,} dbt data and unit tests passed" in text


def test_report_is_self_contained(report_en):
    page = report_en.text
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page)
    assert "<script" not in page and "<link" not in page and "@import" not in page
    assert page.count('src="data:image/svg+xml;base64,') == len(CHARTS)


# --- languages --------------------------------------------------------------


def test_french_report_has_no_english_sentence(report_fr):
    text = visible_text(report_fr.text)
    assert '<html lang="fr">' in report_fr.text
    for key, row in translation_table().items():
        if row["en"] == row["fr"]:
            continue
        for fragment in re.split(r"\{[^}]*\}", row["en"]):
            fragment = fragment.strip(" .,:;()")
            if len(fragment) >= 12:
                assert fragment not in text, (key, fragment)


def test_french_formats_numbers_and_dates(published_demo, report_fr):
    [(customers, as_of)] = query(
        published_demo, "select count(*), max(as_of_date) from customer_segments"
    )
    text = visible_text(report_fr.text)
    thousands = f"{customers:,}".replace(",", "\u202f")
    assert f"{thousands} clients analysés" in text
    months = "janvier février mars avril mai juin juillet août septembre octobre "
    month = (months + "novembre décembre").split()[as_of.month - 1]
    assert f"{as_of.day} {month} {as_of.year}" in text
    assert re.search(r"\d+,\d\u00a0%", text)  # 68,7 %


# --- the browser and the PDF -------------------------------------------------


def test_chromium_is_installed():
    # No skip: a machine without the browser fails here with the fix.
    assert Path(chromium_path()).is_file()


def test_browser_opens_report_without_errors(browser_run):
    check = browser_run.check
    assert check.console_errors == []
    assert check.page_errors == []
    assert check.failed_requests == []
    assert check.external_requests == []
    assert check.section_ids == SECTIONS
    assert check.charts == dict.fromkeys(CHARTS, True)


def test_screenshot_and_pdf_are_saved(browser_run):
    png = browser_run.screenshot.read_bytes()
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) > 100_000
    pdf = browser_run.pdf.read_bytes()
    assert pdf.startswith(b"%PDF-") and pdf.rstrip().endswith(b"%%EOF")
    pages = len(re.findall(rb"/Type\s*/Page\b(?!s)", pdf))
    assert pages >= 8, pages


# --- other published files ---------------------------------------------------


def _copy_without(published, target: Path, dropped: set[str]) -> Path:
    """A copy of the published file without some tables (what a build with
    history disabled, or a clusters-only build, publishes)."""
    with duckdb.connect(str(target)) as con:
        con.execute(f"attach '{published.path}' as source (read_only)")
        for (table,) in con.execute(
            "select table_name from duckdb_tables() where database_name = 'source'"
        ).fetchall():
            if table not in dropped:
                con.execute(f"create table {table} as select * from source.{table}")
    return target


def test_history_disabled_says_so(published_demo, tmp_path):
    db = _copy_without(
        published_demo,
        tmp_path / "no_history.duckdb",
        {"customer_segment_history", "segment_transitions", "customer_alerts"},
    )
    out = tmp_path / "r.html"
    assert write_report(db, out, lang="en") == 0
    text = visible_text(out.read_text())
    assert "No segment history was published" in text
    assert "No transitions between as-of dates were published" in text
    assert "chart-transitions" not in out.read_text()


def test_clusters_only_file_says_so(published_demo, tmp_path):
    db = _copy_without(
        published_demo,
        tmp_path / "clusters_only.duckdb",
        {
            "customer_segments",
            "segment_summary",
            "customer_segment_history",
            "segment_transitions",
            "customer_alerts",
            "order_line_reconciliation",
            "quarantined_order_lines",
        },
    )
    out = tmp_path / "r.html"
    assert write_report(db, out, lang="fr") == 0
    text = visible_text(out.read_text())
    assert "Aucun segment RFM n'a été publié" in text
    assert "la vue en composantes principales ne peut pas être tracée" in text
    [(customers,)] = query(published_demo, "select count(*) from customer_clusters")
    assert f"{customers:,}".replace(",", "\u202f") + " clients analysés" in text


def test_a_build_database_is_refused(published_demo, tmp_path, capsys):
    db = _copy_without(published_demo, tmp_path / "build.duckdb", {"publish_metadata"})
    out = tmp_path / "r.html"
    code = main(["--db", str(db), "--out", str(out)])
    assert code == 1
    assert "not a published file" in capsys.readouterr().err
    assert not out.exists()
    assert main(["--db", str(db), "--out", str(out), "--allow-unpublished"]) == 0
    assert out.exists()
