"""The report in a real browser: Debian's Chromium, headless, driven by
Playwright (no browser download). It opens the English report of the demo
data, draws every chart, filters and sorts a table, opens a segment's
profile and downloads its customer list, picks two dates for the Sankey,
and prints the PDF edition; no console error and no request leaves the
file.

Skipped only when Chromium is absent and this user cannot install it (not
root, no passwordless sudo), with the command that gets it. Where it could
be installed (CI runs as root), its absence fails."""

from __future__ import annotations

import csv
import io
import re

import pytest
from report_pages import query

from segmentation.report.browser import (
    PRINT_VIEWPORT,
    BrowserMissingError,
    PageCheck,
    browser_page,
    can_install_chromium,
    chromium_path,
    drawn_charts,
    open_and_wait,
    print_pdf,
    watch,
)

HALF_EMPTY = 0.5  # a printed page whose content ends above this is half empty


@pytest.fixture(scope="module")
def chromium() -> str:
    try:
        return chromium_path()
    except BrowserMissingError as error:
        if can_install_chromium():
            pytest.fail(f"{error}. This user can install it: run `make chromium`.")
        pytest.skip(
            "BROWSER TEST SKIPPED: Chromium is missing and this user cannot "
            f"install it ({error})"
        )


@pytest.fixture(scope="module")
def playwright():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as instance:
        yield instance


@pytest.fixture(scope="module")
def browser(chromium, playwright, report_en):
    """One page on the English report for the whole module, and what it saw
    (checked last, after every interaction)."""
    check = PageCheck()
    with browser_page(chromium, playwright=playwright) as page:
        watch(page, check)
        open_and_wait(page, report_en.html, check)
        print(
            f"\nreport {report_en.html.stat().st_size / 1e6:.1f} MB: load event at "
            f"{check.load_ms:.0f} ms, first page drawn at {check.ready_ms:.0f} ms"
        )
        yield page, check


def visible_rows(page, table_id: str) -> list[list[str]]:
    return page.eval_on_selector_all(
        f"#{table_id} tbody tr",
        "rows => rows.filter(r => !r.hidden).map(r => "
        "Array.from(r.cells).map(c => c.textContent.trim()))",
    )


def test_every_chart_draws(browser, report_en):
    page, _ = browser
    drawn: set[str] = set()
    for page_id in re.findall(r'class="tab" data-page="([a-z]+)"', report_en.text):
        page.click(f".tab[data-page='{page_id}']")
        page.wait_for_timeout(150)
        drawn |= set(drawn_charts(page))
    # Each profile draws its own chart when it opens.
    for page_id, table in (
        ("segments", "table-segments"),
        ("clusters", "table-clusters"),
    ):
        page.click(f".tab[data-page='{page_id}']")
        for row in page.query_selector_all(f"#{table} tr.opens"):
            row.click()
            drawn |= set(drawn_charts(page))
    assert drawn == set(report_en.payload["charts"])
    # A drawn chart has its data: bars, lines, cells or flows.
    points = page.evaluate(
        "() => Array.from(document.querySelectorAll('.plot[data-drawn]'))"
        ".filter(d => d.data && d.data.length === 0).map(d => d.id)"
    )
    assert points == []


def test_filter_rows(browser):
    page, _ = browser
    page.click(".tab[data-page='segments']")
    page.fill("input[data-filter='table-segments']", "champ")
    rows = visible_rows(page, "table-segments")
    assert [r[0] for r in rows] == ["Champions"]
    assert page.text_content("[data-count='table-segments']") == "1 of 11 rows"
    page.fill("input[data-filter='table-segments']", "")
    assert len(visible_rows(page, "table-segments")) == 11


def test_sort_rows(browser, published_demo):
    page, _ = browser
    page.click(".tab[data-page='segments']")
    expected = [
        name
        for name, _ in query(
            published_demo.path,
            "select segment_name, count(*) as n from customer_segments "
            "group by 1 order by n desc, segment_name",
        )
    ]
    header = "#table-segments th:nth-child(2) button"
    page.click(header)
    assert [r[0] for r in visible_rows(page, "table-segments")] == expected
    assert page.get_attribute("#table-segments th:nth-child(2)", "aria-sort") == (
        "descending"
    )
    page.click(header)
    rows = [r[0] for r in visible_rows(page, "table-segments")]
    assert rows[0] == expected[-1] and rows[-1] == expected[0]


def test_drill_down_to_a_customer_list(browser, published_demo, tmp_path):
    page, _ = browser
    page.click(".tab[data-page='segments']")
    page.click("#table-segments tr[data-profile='segment-8']")
    assert page.is_visible("#segment-8")
    assert not page.is_visible("#segment-1")
    name = page.text_content("#segment-8 h3")
    assert name == "At Risk"
    assert page.evaluate("() => location.hash") == "#segment-8"
    assert "Comeback discount (15%)" in page.text_content("#segment-8")
    with page.expect_download() as download:
        page.click("#segment-8 .download-button")
    path = tmp_path / download.value.suggested_filename
    download.value.save_as(path)
    assert re.fullmatch(r"at-risk-\d{4}-\d\d-\d\d\.csv", path.name)
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
    expected = {
        str(customer_id): monetary
        for customer_id, monetary in query(
            published_demo.path,
            "select customer_id, monetary from customer_segments "
            "where segment_name = 'At Risk'",
        )
    }
    assert {r["customer_id"] for r in rows} == set(expected)
    for row in rows[:50]:
        assert float(row["monetary"]) == pytest.approx(
            expected[row["customer_id"]], abs=0.005
        )
    assert {r["segment_name"] for r in rows} == {"At Risk"}
    assert not any("mail" in c or "phone" in c for c in rows[0])
    page.click("#segment-8 .profile-close")
    assert not page.is_visible("#segment-8")


def test_sankey_of_two_picked_dates(browser, published_demo, report_en):
    page, _ = browser
    page.click(".tab[data-page='movement']")
    dates = report_en.payload["sankey"]["dates"]
    page.select_option("#sankey-from", "0")
    page.select_option("#sankey-to", str(len(dates) - 1))
    total = page.evaluate(
        "() => document.querySelector('.plot[data-chart=\"chart-sankey\"]')"
        ".data[0].link.value.reduce((a, b) => a + b, 0)"
    )
    [(customers,)] = query(
        published_demo.path,
        "select count(distinct customer_id) from customer_segment_history "
        "where as_of_date in ($1::date, $2::date)",
        [dates[0], dates[-1]],
    )
    assert total == customers
    page.select_option("#sankey-from", str(len(dates) - 1))
    assert "later than the first" in page.text_content(".sankey-message")


def test_switch_a_chart_variant(browser, report_en):
    page, _ = browser
    page.click(".tab[data-page='movement']")
    page.click("button[data-for='chart-segment-shares-over-time'][data-variant='1']")
    shown = page.evaluate(
        "() => document.querySelector("
        "'.plot[data-chart=\"chart-segment-shares-over-time\"]').data[0].y"
    )
    variants = report_en.payload["charts"]["chart-segment-shares-over-time"]["variants"]
    assert shown == pytest.approx(variants[1][1]["data"][0]["y"])


def test_a_request_to_the_network_would_be_seen(browser):
    # The control for the check below: the watcher does catch a request.
    page, check = browser
    errors = len(check.console_errors)
    page.evaluate("() => fetch('https://example.invalid/x').catch(() => null)")
    page.wait_for_timeout(200)
    assert "https://example.invalid/x" in check.external_requests
    check.external_requests.remove("https://example.invalid/x")
    # The blocked fetch logs its own failure: not the report's.
    del check.console_errors[errors:]


def test_no_console_error_and_no_request_left_the_file(browser):
    _, check = browser
    assert check.console_errors == []
    assert check.page_errors == []
    assert check.failed_requests == []
    assert check.external_requests == []


def test_pdf_edition_has_no_half_empty_page(chromium, playwright, report_en, tmp_path):
    import pypdfium2

    pdf = tmp_path / "report.pdf"
    check = PageCheck()
    with browser_page(chromium, PRINT_VIEWPORT, playwright=playwright) as page:
        watch(page, check)
        open_and_wait(page, report_en.html, check)
        print_pdf(page, pdf)
    assert check.problems == []
    document = pypdfium2.PdfDocument(str(pdf))
    pages = len(document)
    assert pages >= 10
    text = " ".join(document[i].get_textpage().get_text_range() for i in range(pages))
    for heading in ("RFM segments", "Movement between segments", "Appendix"):
        assert heading in text
    for i in range(pages - 1):
        image = document[i].render(scale=0.4).to_numpy()[..., :3].mean(axis=2)
        inked = (image < 240).any(axis=1).nonzero()[0]
        assert len(inked) and (inked.max() + 1) / image.shape[0] >= HALF_EMPTY, (
            f"page {i + 1} of {pages} is more than half empty"
        )
