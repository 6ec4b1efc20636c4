"""The overview page: the headline figures, the findings in sentences,
segment and cluster sizes and revenue, and the revenue Pareto."""

from __future__ import annotations

import numpy as np

from segmentation.report import charts
from segmentation.report.charts import Chart
from segmentation.report.context import Context
from segmentation.report.data import no_rows
from segmentation.report.findings import movement, pareto_share, top_revenue_segment
from segmentation.report.labels import cluster_name, segment_name
from segmentation.report.value import value_finding

PARETO_POINTS = 200  # points of the drawn curve; the 20% mark is exact


def build_overview(ctx: Context) -> None:
    _headline(ctx)
    _findings(ctx)
    _size_charts(ctx)
    _pareto(ctx)


def _headline(ctx: Context) -> None:
    data, lang, content = ctx.data, ctx.lang, ctx.content
    content.subtitle = (
        lang.t("report.subtitle_no_date")
        if data.as_of_date is None
        else lang.t("report.subtitle", date=lang.date(data.as_of_date))
    )
    content.headline = [
        (lang.t("summary.customers"), lang.number(data.customers)),
        (lang.t("summary.revenue"), lang.money(data.revenue)),
    ]
    if data.as_of_date is not None:
        content.headline.append(
            (lang.t("summary.as_of_date"), lang.date(data.as_of_date))
        )
    if data.customers_needing_action is not None:
        content.headline.append(
            (lang.t("summary.need_action"), lang.number(data.customers_needing_action))
        )
    meta = data.metadata or {}
    if meta.get("input_order_lines") is not None:
        content.headline.append(
            (lang.t("summary.order_lines"), lang.number(meta["input_order_lines"]))
        )
    content.currency_note = (
        lang.t("report.currency", currency=lang.currency)
        if lang.currency
        else lang.t("report.no_currency")
    )


def _findings(ctx: Context) -> None:
    data, lang = ctx.data, ctx.lang
    out = ctx.content.findings
    top = top_revenue_segment(data.segment_summary, "segment_name")
    if top is not None:
        out.append(
            lang.t(
                "finding.top_segment",
                segment=segment_name(lang, top.name),
                revenue_share=lang.percent(top.revenue_share),
                customers=lang.number(top.customers),
                customer_share=lang.percent(top.customer_share),
            )
        )
    top_cluster = top_revenue_segment(data.cluster_profiles, "cluster_name")
    if top_cluster is not None:
        out.append(
            lang.t(
                "finding.top_cluster",
                k=len(data.cluster_profiles),
                cluster=cluster_name(lang, top_cluster.name),
                revenue_share=lang.percent(top_cluster.revenue_share),
                customer_share=lang.percent(top_cluster.customer_share),
            )
        )
    if data.customers_needing_action is not None and data.customers:
        out.append(
            lang.t(
                "finding.need_action",
                customers=lang.number(data.customers_needing_action),
                share=lang.percent(data.customers_needing_action / data.customers),
            )
        )
    elif data.segment_summary is not None:
        out.append(lang.t("finding.no_alerts"))
    if ctx.pair is not None:
        moved = movement(ctx.pair, ctx.segments)
        out.append(
            lang.t(
                "finding.moved",
                date=lang.date(moved.previous_date),
                customers=lang.number(moved.changed),
                share=lang.percent(moved.changed_share),
                new=lang.number(moved.new_customers),
            )
        )
        if moved.largest_from is not None:
            out.append(
                lang.t(
                    "finding.largest_move",
                    customers=lang.number(moved.largest_customers),
                    source=segment_name(lang, moved.largest_from),
                    target=segment_name(lang, moved.largest_to),
                )
            )
        if moved.grew_most is not None:
            out.append(
                lang.t(
                    "finding.grew_most",
                    segment=segment_name(lang, moved.grew_most),
                    customers=lang.number(moved.grew_by),
                )
            )
    elif data.segment_summary is not None:
        out.append(lang.t("finding.no_history"))
    amounts = _monetary_desc(ctx)
    pareto = pareto_share(amounts)
    if pareto is not None:
        out.append(lang.t("finding.pareto", share=lang.percent(pareto)))
    outlook = value_finding(ctx)
    if outlook is not None:
        out.append(outlook)


def _monetary_desc(ctx: Context) -> np.ndarray | None:
    rows = ctx.data.customer_rows
    if rows is None or "monetary" not in rows.columns:
        return None
    return np.sort(rows["monetary"].to_numpy(dtype=float))[::-1]


def _size_charts(ctx: Context) -> None:
    """Customers and revenue per segment, then per cluster: one chart each,
    with the names shown and the anchor each bar opens."""
    data, lang = ctx.data, ctx.lang
    summary, profiles = data.segment_summary, data.cluster_profiles
    sizes = []
    if not no_rows(summary):
        names = [segment_name(lang, n) for n in summary["segment_name"]]
        anchors = [f"segment-{r}" for r in summary["segment_rank"]]
        sizes.append(("segment", summary, names, anchors))
    if not no_rows(profiles):
        names = [ctx.cluster_titles[int(i)] for i in profiles["cluster_id"]]
        anchors = [f"cluster-{i}" for i in profiles["cluster_id"]]
        sizes.append(("cluster", profiles, names, anchors))
    for kind, frame, names, anchors in sizes:
        ctx.content.add_chart(
            Chart(
                f"chart-{kind}-sizes",
                lang.t(f"chart.{kind}_sizes_title"),
                lang.t("caption.sizes"),
                charts.size_bars(
                    names,
                    list(frame["customers"].astype(int)),
                    list(frame["customer_share"].astype(float)),
                    list(frame["revenue"].fillna(0).astype(float)),
                    list(frame["revenue_share"].fillna(0).astype(float)),
                    anchors,
                    lang,
                ),
            )
        )


def _pareto(ctx: Context) -> None:
    lang = ctx.lang
    amounts = _monetary_desc(ctx)
    if amounts is None or len(amounts) == 0 or amounts.sum() <= 0:
        return
    count = len(amounts)
    customers = np.arange(1, count + 1) / count
    revenue = np.cumsum(amounts) / amounts.sum()
    shown = np.unique(
        np.r_[np.linspace(0, count - 1, min(count, PARETO_POINTS)).astype(int)]
    )
    mark = int(np.ceil(0.2 * count)) - 1
    texts = [
        lang.t(
            "hover.pareto",
            customers=lang.percent(customers[i]),
            revenue=lang.percent(revenue[i]),
        )
        for i in shown
    ]
    figure = charts.lines(
        np.r_[0, customers[shown]].tolist(),
        [
            (
                lang.t("chart.pareto_curve"),
                np.r_[0, revenue[shown]].tolist(),
                ["", *texts],
                charts.REVENUE_COLOUR,
            )
        ],
        lang.t("chart.pareto_x_axis"),
        lang.t("chart.pareto_y_axis"),
        lang,
        height=300,
        tickformat=".0%",
        range=[0, 1.02],
    )
    figure["data"][0]["mode"] = "lines"
    figure["data"].append(
        {
            "type": "scatter",
            "mode": "lines",
            "x": [0, 1],
            "y": [0, 1],
            "line": {"color": charts.NEUTRAL_COLOUR, "dash": "dash", "width": 1},
            "hoverinfo": "skip",
            "name": lang.t("chart.pareto_equal"),
        }
    )
    figure["layout"]["xaxis"]["tickformat"] = ".0%"
    figure["layout"]["annotations"] = [
        {
            "x": float(customers[mark]),
            "y": float(revenue[mark]),
            "text": lang.t(
                "chart.pareto_mark",
                customers=lang.percent(0.2, 0),
                revenue=lang.percent(revenue[mark]),
            ),
            "showarrow": True,
            "arrowhead": 2,
            "ax": 60,
            "ay": 40,
            "xanchor": "left",
            "font": {"size": 11},
            "bgcolor": "rgba(255,255,255,0.85)",
        }
    ]
    ctx.content.add_chart(Chart.named(lang, "pareto", figure))
