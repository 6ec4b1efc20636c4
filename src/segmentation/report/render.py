"""The report as one self-contained HTML file: the template, style sheet
and script of this package, plotly.js inlined once, and the charts' data as
JSON in the page. No external reference, so it opens without a network
and can be mailed as it is."""

from __future__ import annotations

import json
import math
from functools import cache
from importlib import resources

import jinja2

from segmentation.report.content import ReportContent
from segmentation.report.customer_lists import DEFAULT_LIMIT

TEMPLATE = "report.html.j2"
STYLE_SHEET = "report.css"
SCRIPT = "report.js"


def _package_text(name: str) -> str:
    return resources.files(__package__).joinpath(name).read_text("utf-8")


@cache
def plotly_js() -> str:
    """The plotly.js bundle that ships with the plotly package (pinned in
    requirements.lock), so the page needs no CDN."""
    from plotly.offline import get_plotlyjs

    return get_plotlyjs()


def _clean(value: object) -> object:
    """JSON-safe: NaN and infinities become null (Plotly draws a gap)."""
    if isinstance(value, float):
        return None if math.isnan(value) or math.isinf(value) else value
    if isinstance(value, dict):
        return {str(k): _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    if hasattr(value, "item"):  # numpy scalars
        return _clean(value.item())
    return value


def payload(content: ReportContent, list_limit: int = DEFAULT_LIMIT) -> dict:
    """Everything the page's script reads."""
    lang = content.lang
    return _clean(
        {
            "lang": lang.code,
            "localeTag": lang.locale.replace("_", "-"),
            "plotlyLocale": lang.plotly_locale(),
            "charts": {
                chart_id: {
                    "figure": chart.figure,
                    "variants": [[label, fig] for label, fig in chart.variants],
                }
                for chart_id, chart in content.charts.items()
            },
            "sankey": content.sankey,
            "customers": content.customer_table,
            "listLimit": list_limit,
            "texts": content.texts,
        }
    )


def _script_json(value: dict) -> str:
    """JSON that cannot end the <script> element it sits in."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return text.replace("</", "<\\/").replace("<!--", "<\\!--")


def _sort_key(value: float | str) -> str:
    if isinstance(value, float):
        if math.isinf(value):
            return "-Infinity" if value < 0 else "Infinity"
        return repr(value)
    return str(value)


def render_html(content: ReportContent, list_limit: int = DEFAULT_LIMIT) -> str:
    """The report page for `content` (already in its language)."""
    environment = jinja2.Environment(
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.filters["sortkey"] = _sort_key
    template = environment.from_string(_package_text(TEMPLATE))
    lang = content.lang
    return template.render(
        c=content,
        lang=lang,
        t=lang.t,
        css=_package_text(STYLE_SHEET),
        payload=_script_json(payload(content, list_limit)),
        plotly_js=plotly_js(),
        app_js=_package_text(SCRIPT),
    )
