"""Plotly figures of the report, as plain dicts (`data`, `layout`) that the
page's script draws with the inlined plotly.js.

Every hover text and bar label is formatted here, in the report's language
(Babel), and passed as text: the page shows exactly the numbers the
sentences use. Titles are the page's headings, not the chart's, so a chart
spends its height on data. Heights stay under 420 px, so each chart fits in
less than half a printed A4 page (no half-empty pages in the PDF).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from segmentation.report.i18n import Language

FONT = '"DejaVu Sans", "Segoe UI", "Helvetica Neue", Arial, sans-serif'
INK = "#1f2933"
MUTED = "#52606d"
GRID = "#e4e7eb"
CUSTOMER_COLOUR = "#2f6690"
REVENUE_COLOUR = "#d1793a"
VALUE_COLOUR = "#3a7d44"
BUDGET_COLOUR = "#55a868"
NEUTRAL_COLOUR = "#9aa5b1"
# Ranked segments: blues and greens for the best, oranges and reds for the
# ones slipping away, greys for the lost.
SEGMENT_COLOURS = (
    "#1b4f72",
    "#2e86c1",
    "#48a9a6",
    "#76b041",
    "#a9cf54",
    "#f4c542",
    "#f29e4c",
    "#e4572e",
    "#b23a48",
    "#8d99ae",
    "#5c677d",
    "#c2a878",
)
CLUSTER_COLOURS = (
    "#4c72b0",
    "#dd8452",
    "#55a868",
    "#c44e52",
    "#8172b3",
    "#937860",
    "#da8bc3",
    "#8c8c8c",
    "#ccb974",
    "#64b5cd",
)
SCORE_COLOURS = ("#d7301f", "#fc8d59", "#fdcc8a", "#a1dab4", "#2c7fb8")
# Light for few, dark for many (plotly's named scales run the other way).
BLUES = [[0, "#eef4fa"], [1, "#1b4f72"]]
GREENS = [[0, "#eef7ee"], [1, "#1e6b34"]]
DIVERGING = [[0, "#b2182b"], [0.5, "#f7f7f7"], [1, "#2166ac"]]
MAX_HEIGHT = 420


@dataclass
class Chart:
    """One chart of the page: where it goes, what it says under it, and the
    figure (or, for the Sankey, what the script builds it from). `variants`
    are alternative figures a reader switches between (the first shows in
    print); `screen_only` charts are not printed."""

    chart_id: str
    title: str
    caption: str
    figure: dict
    variants: list[tuple[str, dict]] = field(default_factory=list)
    half: bool = False
    screen_only: bool = False

    @property
    def height(self) -> int:
        return int(self.figure.get("layout", {}).get("height", 360))

    @classmethod
    def named(cls, lang: Language, name: str, figure: dict, **options) -> Chart:
        """The chart whose id, title and caption all follow from `name`:
        chart-<name with hyphens>, chart.<name>_title and caption.<name>."""
        return cls(
            f"chart-{name.replace('_', '-')}",
            lang.t(f"chart.{name}_title"),
            lang.t(f"caption.{name}"),
            figure,
            **options,
        )


def colour(palette: Sequence[str], index: int) -> str:
    return palette[index % len(palette)]


def layout(lang: Language, height: int = 360, **extra) -> dict:
    """The report's Plotly layout: its fonts, its language's separators."""
    base = {
        "height": min(height, MAX_HEIGHT),
        "autosize": True,
        "margin": {"l": 70, "r": 20, "t": 16, "b": 48},
        "font": {"family": FONT, "size": 12, "color": INK},
        "paper_bgcolor": "#ffffff",
        "plot_bgcolor": "#ffffff",
        "separators": lang.decimal_symbol + lang.group_symbol,
        "hoverlabel": {"font": {"family": FONT, "size": 12}, "align": "left"},
        "hovermode": "closest",
        "showlegend": False,
        "legend": {
            "orientation": "h",
            "x": 0,
            "y": 1.02,
            "xanchor": "left",
            "yanchor": "bottom",
        },
    }
    base.update(extra)
    return base


def axis(title: str | None = None, **extra) -> dict:
    out = {
        "gridcolor": GRID,
        "zeroline": False,
        "linecolor": "#cbd2d9",
        "automargin": True,
        "title": {"text": title or "", "font": {"size": 12, "color": MUTED}},
    }
    out.update(extra)
    return out


def hover(texts: Sequence[str]) -> dict:
    """Hover boxes showing `texts` (already formatted) and nothing else."""
    return {"hovertext": list(texts), "hoverinfo": "text"}


def hover_texts(
    lang: Language, key: str, names: Sequence[str], **values: Sequence[str]
) -> list[str]:
    """One hover text per name: translation `key` with the name and that
    name's item of each of `values` (already formatted)."""
    return [
        lang.t(key, name=name, **{field: texts[i] for field, texts in values.items()})
        for i, name in enumerate(names)
    ]


def size_bars(
    names: Sequence[str],
    customers: Sequence[int],
    customer_shares: Sequence[float],
    revenue: Sequence[float],
    revenue_shares: Sequence[float],
    anchors: Sequence[str],
    lang: Language,
) -> dict:
    """Customers and net revenue per segment (or cluster), side by side,
    each bar labelled with its share; a click opens the segment."""
    count = len(names)
    hovers = hover_texts(
        lang,
        "hover.size",
        names,
        customers=[lang.number(n) for n in customers],
        customer_share=[lang.percent(s) for s in customer_shares],
        revenue=[lang.money(r) for r in revenue],
        revenue_share=[lang.percent(s) for s in revenue_shares],
    )
    common = {
        "type": "bar",
        "orientation": "h",
        "y": list(names),
        "customdata": list(anchors),
        "textposition": "outside",
        "cliponaxis": False,
        "textfont": {"size": 11},
        **hover(hovers),
    }
    top_customers = max([*customers, 1])
    top_revenue = max([*revenue, 1.0])
    data = [
        {
            **common,
            "x": list(customers),
            "text": [lang.percent(s) for s in customer_shares],
            "marker": {"color": CUSTOMER_COLOUR},
            "name": lang.t("chart.customers"),
            "xaxis": "x",
        },
        {
            **common,
            "x": list(revenue),
            "text": [lang.percent(s) for s in revenue_shares],
            "marker": {"color": REVENUE_COLOUR},
            "name": lang.t("chart.revenue"),
            "xaxis": "x2",
        },
    ]
    return {
        "data": data,
        "layout": layout(
            lang,
            height=70 + (30 if count < 8 else 24) * count,
            margin={"l": 10, "r": 30, "t": 30, "b": 40},
            xaxis=axis(
                lang.t("chart.customers"),
                domain=[0, 0.46],
                range=[0, top_customers * 1.28],
                tickformat=",d",
            ),
            xaxis2=axis(
                lang.money_label("chart.revenue"),
                domain=[0.54, 1],
                range=[0, top_revenue * 1.28],
                tickformat="~s",
            ),
            yaxis=axis(autorange="reversed", gridcolor="rgba(0,0,0,0)"),
            annotations=[
                panel_title(lang.t("chart.customers_share_label"), 0),
                panel_title(lang.t("chart.revenue_share_label"), 0.54),
            ],
        ),
    }


def panel_title(text: str, x: float, color: str | None = MUTED) -> dict:
    """A bold title above one panel of a figure, from `x` (paper units)
    across; `color` None keeps the figure's own text colour."""
    font: dict[str, object] = {"size": 12}
    if color is not None:
        font["color"] = color
    return {
        "text": f"<b>{text}</b>",
        "x": x,
        "y": 1,
        "xref": "paper",
        "yref": "paper",
        "xanchor": "left",
        "yanchor": "bottom",
        "showarrow": False,
        "font": font,
    }


def bars(
    names: Sequence[str],
    values: Sequence[float],
    labels: Sequence[str],
    hovers: Sequence[str],
    axis_title: str,
    lang: Language,
    colour_: str = BUDGET_COLOUR,
    tickformat: str = "~s",
) -> dict:
    """One horizontal bar per name, labelled outside the bar."""
    top = max([*values, 1.0])
    return {
        "data": [
            {
                "type": "bar",
                "orientation": "h",
                "y": list(names),
                "x": list(values),
                "text": list(labels),
                "textposition": "outside",
                "cliponaxis": False,
                "marker": {"color": colour_},
                **hover(hovers),
            }
        ],
        "layout": layout(
            lang,
            height=60 + 28 * len(names),
            margin={"l": 10, "r": 30, "t": 10, "b": 40},
            xaxis=axis(axis_title, range=[0, top * 1.25], tickformat=tickformat),
            yaxis=axis(autorange="reversed", gridcolor="rgba(0,0,0,0)"),
        ),
    }


def heatmap(
    z: list[list[float | None]],
    x: Sequence[str],
    y: Sequence[str],
    cell_text: list[list[str]],
    hovers: list[list[str]],
    x_title: str,
    y_title: str,
    lang: Language,
    colorscale: str | list = "blues",
    zmid: float | None = None,
    height: int = 330,
) -> dict:
    """A grid of cells coloured by `z`, each with its formatted value."""
    trace = {
        "type": "heatmap",
        "z": z,
        "x": list(x),
        "y": list(y),
        "text": cell_text,
        "texttemplate": "%{text}",
        "textfont": {"size": 11},
        "hovertext": hovers,
        "hoverinfo": "text",
        "colorscale": colorscale,
        "showscale": False,
        "xgap": 2,
        "ygap": 2,
    }
    if zmid is not None:
        trace["zmid"] = zmid
    return {
        "data": [trace],
        "layout": layout(
            lang,
            height=height,
            margin={"l": 70, "r": 10, "t": 10, "b": 40},
            xaxis=axis(x_title, type="category", showgrid=False),
            yaxis=axis(y_title, type="category", showgrid=False),
        ),
    }


def lines(
    x: Sequence,
    series: Sequence[tuple[str, Sequence[float], Sequence[str], str]],
    x_title: str,
    y_title: str,
    lang: Language,
    height: int = 320,
    **y_extra,
) -> dict:
    """One line per (name, values, hover texts, colour)."""
    data = [
        {
            "type": "scatter",
            "mode": "lines+markers",
            "x": list(x),
            "y": list(values),
            "name": name,
            "line": {"color": colour_, "width": 2},
            "marker": {"size": 5},
            **hover(texts),
        }
        for name, values, texts, colour_ in series
    ]
    return {
        "data": data,
        "layout": layout(
            lang,
            height=height,
            showlegend=len(series) > 1,
            margin={"l": 70, "r": 20, "t": 30 if len(series) > 1 else 10, "b": 40},
            xaxis=axis(x_title),
            yaxis=axis(y_title, rangemode="tozero", **y_extra),
        ),
    }
