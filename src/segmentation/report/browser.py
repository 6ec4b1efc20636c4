"""Headless Chromium (Debian's `chromium` package) through Playwright's
DevTools connection: open the report, collect console errors, take a
screenshot, print it to PDF. Playwright drives the system browser; it
downloads none of its own."""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_CHROMIUM = "/usr/bin/chromium"
# The machine reaches package registries only: without these, Chromium's
# background services (component updates, sync, QUIC probes) fail and log
# errors that are not the page's.
CHROMIUM_ARGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)


class BrowserMissingError(RuntimeError):
    """Chromium is not installed where it is looked for."""


@dataclass
class PageCheck:
    """What the browser saw when it opened the report."""

    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)
    external_requests: list[str] = field(default_factory=list)
    section_ids: list[str] = field(default_factory=list)
    charts: dict[str, bool] = field(default_factory=dict)  # id -> image loaded
    pdf_bytes: int | None = None


def chromium_path() -> str:
    """$SEGMENTATION_CHROMIUM, else /usr/bin/chromium, else `chromium` on
    PATH; BrowserMissingError with the install command when none exists."""
    candidate = os.environ.get("SEGMENTATION_CHROMIUM") or DEFAULT_CHROMIUM
    if Path(candidate).is_file():
        return candidate
    found = shutil.which("chromium")
    if found:
        return found
    raise BrowserMissingError(
        f"Chromium not found at {candidate}: install Debian's package "
        "(`make setup` does: apt-get install -y --no-install-recommends chromium)"
    )


def open_report(
    html: Path,
    *,
    screenshot: Path | None = None,
    pdf: Path | None = None,
    executable: str | None = None,
) -> PageCheck:
    """Open `html` in headless Chromium; return what it saw, and write a
    full-page PNG screenshot and an A4 PDF (Chromium's print) when asked."""
    from playwright.sync_api import sync_playwright

    executable = executable or chromium_path()
    check = PageCheck()
    url = html.resolve().as_uri()
    with (
        tempfile.TemporaryDirectory(prefix="report-chromium-") as profile,
        sync_playwright() as playwright,
    ):
        context = playwright.chromium.launch_persistent_context(
            profile,
            executable_path=executable,
            headless=True,
            args=list(CHROMIUM_ARGS),
            viewport={"width": 1200, "height": 900},
        )
        try:
            page = context.new_page()
            page.on("console", lambda message: _console(check, message))
            page.on("pageerror", lambda error: check.page_errors.append(str(error)))
            page.on("requestfailed", lambda r: check.failed_requests.append(r.url))
            page.on("request", lambda request: _request(check, request))
            page.goto(url, wait_until="load")
            check.section_ids = page.eval_on_selector_all(
                "main > section", "nodes => nodes.map(n => n.id)"
            )
            loaded = page.eval_on_selector_all(
                "figure.chart",
                "nodes => nodes.map(n => [n.id, "
                "n.querySelector('img').complete && "
                "n.querySelector('img').naturalWidth > 0])",
            )
            check.charts = {chart_id: ok for chart_id, ok in loaded}
            if screenshot is not None:
                page.screenshot(path=str(screenshot), full_page=True)
            if pdf is not None:
                page.emulate_media(media="print")
                page.pdf(
                    path=str(pdf),
                    format="A4",
                    print_background=True,
                    prefer_css_page_size=True,
                )
                check.pdf_bytes = pdf.stat().st_size
        finally:
            context.close()
    return check


def _console(check: PageCheck, message) -> None:
    if message.type == "error":
        check.console_errors.append(message.text)


def _request(check: PageCheck, request) -> None:
    """Anything but the file itself and its inline data is a request to
    the network, which a self-contained report never makes."""
    if not request.url.startswith(("file:", "data:")):
        check.external_requests.append(request.url)
