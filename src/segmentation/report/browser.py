"""Headless Chromium (Debian's `chromium` package) through Playwright: open
the report, time its load, collect console errors and any request that
would leave the file, save screenshots, print it to PDF. Playwright drives
the system browser; it downloads none of its own."""

from __future__ import annotations

import os
import shutil
import tempfile
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_CHROMIUM = "/usr/bin/chromium"
INSTALL_HINT = (
    "install Debian's package as root (`apt-get install -y "
    "--no-install-recommends chromium`, or `sudo make chromium`), or point "
    "SEGMENTATION_CHROMIUM at a Chromium or Chrome binary"
)
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
VIEWPORT = {"width": 1280, "height": 900}
# An A4 page between the report's print margins, in CSS pixels.
PRINT_VIEWPORT = {"width": 700, "height": 1000}
LOCAL_SCHEMES = ("file:", "data:", "blob:", "about:")
READY_TIMEOUT_MS = 60_000
# The views shown in docs/report.md: (file name, page or profile anchor).
DOC_VIEWS = (
    ("overview.png", "overview", None),
    ("segments.png", "segments", None),
    ("segment-profile.png", "segments", "first-profile"),
    ("movement.png", "movement", None),
    ("clusters.png", "clusters", None),
    ("value.png", "value", None),
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
    page_ids: list[str] = field(default_factory=list)
    drawn_charts: list[str] = field(default_factory=list)
    load_ms: float | None = None  # navigation start to the load event
    ready_ms: float | None = None  # ... to the first page's charts drawn
    pdf_bytes: int | None = None
    screenshots: list[Path] = field(default_factory=list)

    @property
    def problems(self) -> list[str]:
        return (
            self.console_errors
            + self.page_errors
            + self.failed_requests
            + [f"request to the network: {url}" for url in self.external_requests]
        )


def chromium_path() -> str:
    """$SEGMENTATION_CHROMIUM, else /usr/bin/chromium, else `chromium` on
    PATH; BrowserMissingError saying how to get one."""
    candidate = os.environ.get("SEGMENTATION_CHROMIUM") or DEFAULT_CHROMIUM
    if Path(candidate).is_file():
        return candidate
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    raise BrowserMissingError(f"Chromium not found at {candidate}: {INSTALL_HINT}")


def can_install_chromium() -> bool:
    """True when this user could install Debian's chromium (root, or sudo
    without a password)."""
    if os.geteuid() == 0:
        return shutil.which("apt-get") is not None
    sudo = shutil.which("sudo")
    if sudo is None:
        return False
    import subprocess

    probe = subprocess.run(
        [sudo, "-n", "true"], capture_output=True, check=False, timeout=10
    )
    return probe.returncode == 0


@contextmanager
def browser_page(
    executable: str | None = None, viewport: dict | None = None, playwright=None
):
    """A fresh headless Chromium page (own profile), closed afterwards; on
    `playwright` when given (one per thread), else on a new one."""
    executable = executable or chromium_path()
    with ExitStack() as stack:
        if playwright is None:
            from playwright.sync_api import sync_playwright

            playwright = stack.enter_context(sync_playwright())
        profile = stack.enter_context(
            tempfile.TemporaryDirectory(prefix="report-chromium-")
        )
        context = playwright.chromium.launch_persistent_context(
            profile,
            executable_path=executable,
            headless=True,
            args=list(CHROMIUM_ARGS),
            viewport=viewport or VIEWPORT,
            accept_downloads=True,
        )
        stack.callback(context.close)
        yield context.new_page()


def watch(page, check: PageCheck) -> None:
    """Record console errors, page errors and requests; block any request
    that would leave the file (a self-contained report makes none)."""
    page.on("console", lambda m: _console(check, m))
    page.on("pageerror", lambda error: check.page_errors.append(str(error)))
    page.on("requestfailed", lambda r: _failed(check, r))

    def route(route_) -> None:
        url = route_.request.url
        if url.startswith(LOCAL_SCHEMES):
            route_.continue_()
        else:
            check.external_requests.append(url)
            route_.abort()

    page.route("**/*", route)


def open_and_wait(page, html: Path, check: PageCheck, anchor: str = "") -> None:
    """Load the report and wait until its first page's charts are drawn."""
    page.goto(html.resolve().as_uri() + (f"#{anchor}" if anchor else ""))
    page.wait_for_selector(
        "html[data-ready='true']", state="attached", timeout=READY_TIMEOUT_MS
    )
    timings = page.evaluate(
        """() => {
            const nav = performance.getEntriesByType('navigation')[0];
            return {load: nav.loadEventEnd, ready: window.reportTimings.readyMs};
        }"""
    )
    check.load_ms, check.ready_ms = timings["load"], timings["ready"]
    check.page_ids = page.eval_on_selector_all(".page", "n => n.map(e => e.id)")


def drawn_charts(page) -> list[str]:
    """Ids of charts with a drawn plot (an SVG of plotly's with content)."""
    return page.eval_on_selector_all(
        ".plot[data-drawn]",
        """nodes => nodes.filter(n => {
            const svg = n.querySelector('svg.main-svg');
            return svg && svg.getBoundingClientRect().width > 0;
        }).map(n => n.getAttribute('data-chart'))""",
    )


def open_report(
    html: Path,
    *,
    screenshot: Path | None = None,
    pdf: Path | None = None,
    views: Path | None = None,
    executable: str | None = None,
) -> PageCheck:
    """Open `html` in headless Chromium; return what it saw. With
    `screenshot`, a PNG of the first page; with `views`, PNGs of the main
    views in that folder; with `pdf`, the printed edition on A4."""
    check = PageCheck()
    with browser_page(executable) as page:
        watch(page, check)
        open_and_wait(page, html, check)
        check.drawn_charts = drawn_charts(page)
        if screenshot is not None:
            page.screenshot(path=str(screenshot), full_page=True)
            check.screenshots.append(screenshot)
        if views is not None:
            check.screenshots += save_views(page, views)
    if pdf is not None:
        with browser_page(executable, PRINT_VIEWPORT) as page:
            watch(page, check)
            page.goto(html.resolve().as_uri())
            page.wait_for_selector(
                "html[data-ready='true']", state="attached", timeout=READY_TIMEOUT_MS
            )
            print_pdf(page, pdf)
            check.pdf_bytes = pdf.stat().st_size
    return check


def print_pdf(page, pdf: Path) -> None:
    """The printed edition: print styles, every chart drawn at the page's
    width, A4 with the style sheet's margins."""
    page.emulate_media(media="print")
    page.evaluate("() => window.reportPrepareForPrint()")
    page.pdf(
        path=str(pdf), format="A4", print_background=True, prefer_css_page_size=True
    )


def save_views(page, folder: Path) -> list[Path]:
    """Screenshots of the report's main views, each the top of its page."""
    folder.mkdir(parents=True, exist_ok=True)
    saved = []
    for name, page_id, profile in DOC_VIEWS:
        if not page.query_selector(f"#{page_id}"):
            continue
        page.click(f".tab[data-page='{page_id}']")
        if profile == "first-profile":
            row = page.query_selector(f"#{page_id} tr.opens")
            if row is None:
                continue
            row.click()
            target = page.query_selector(f"#{page_id} .profile.open")
        else:
            target = page.query_selector(f"#{page_id}")
        page.wait_for_timeout(300)
        path = folder / name
        box = target.bounding_box()
        # The box is in the viewport; a full-page clip is in the page.
        top = box["y"] + page.evaluate("() => window.scrollY")
        image = page.screenshot(
            clip={
                "x": 0,
                "y": max(0, top - (10 if profile else 0)),
                "width": VIEWPORT["width"],
                "height": min(box["height"] + 20, 1400),
            },
            full_page=True,
        )
        _small_png(image, path)
        saved.append(path)
    return saved


def _small_png(image: bytes, path: Path) -> None:
    """A screenshot in 256 colours: a third of the size, for the docs."""
    import io

    from PIL import Image

    with Image.open(io.BytesIO(image)) as picture:
        picture.convert("RGB").quantize(
            colors=256, method=Image.Quantize.MEDIANCUT
        ).save(path, optimize=True)


def _console(check: PageCheck, message) -> None:
    if message.type == "error":
        check.console_errors.append(message.text)


def _failed(check: PageCheck, request) -> None:
    # Requests this page aborted itself (to the network) are counted there.
    if request.url.startswith(LOCAL_SCHEMES):
        check.failed_requests.append(request.url)
