"""The report as one self-contained HTML file: the template and style
sheet of this package, charts as inline SVG data, no external reference,
so it opens without a network and can be mailed as it is."""

from __future__ import annotations

from importlib import resources

import jinja2

from segmentation.report.content import ReportContent

TEMPLATE = "report.html.j2"
STYLE_SHEET = "report.css"


def _package_text(name: str) -> str:
    return resources.files(__package__).joinpath(name).read_text("utf-8")


def render_html(content: ReportContent) -> str:
    """The report page for `content` (already in its language)."""
    environment = jinja2.Environment(
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    template = environment.from_string(_package_text(TEMPLATE))
    lang = content.lang
    return template.render(
        c=content, lang=lang, t=lang.t, css=_package_text(STYLE_SHEET)
    )
