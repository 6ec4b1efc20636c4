"""The page on time: segment shares over the published history, the Sankey
of movement between two as-of dates the reader picks, and the alerts over
time."""

from __future__ import annotations

import pandas as pd

from segmentation.report import charts
from segmentation.report.charts import Chart
from segmentation.report.content import Cell, Table
from segmentation.report.context import Context
from segmentation.report.data import no_rows
from segmentation.report.flows import all_pair_flows
from segmentation.report.labels import segment_name

ALERT_ORDER = ("inactive", "lost", "aov_dropped", "moved_down_from_top_segment")


def build_movement(ctx: Context) -> None:
    history = ctx.data.history
    if history is None:
        return
    _shares(ctx)
    if ctx.pair is not None:
        _sankey(ctx)
    _alerts(ctx)
    _churn(ctx)


def _churn(ctx: Context) -> None:
    """Churn per month of all customers, against the alert's threshold."""
    lang, churn = ctx.lang, ctx.data.churn
    if no_rows(churn):
        return
    dates = [str(d)[:10] for d in churn["as_of_date"]]
    rates = [float(r) for r in churn["monthly_churn_rate"]]
    texts = [
        lang.t(
            "hover.churn",
            date=lang.date(pd.Timestamp(d).date()),
            rate=lang.percent(r),
            churned=lang.number(c),
            active=lang.number(a),
        )
        for d, r, c, a in zip(
            churn["as_of_date"],
            rates,
            churn["churned_customers"],
            churn["active_customers"],
            strict=True,
        )
    ]
    threshold = float(churn["monthly_churn_threshold"].dropna().iloc[0])
    figure = charts.lines(
        dates,
        [(lang.t("chart.churn_rate"), rates, texts, "#b23a48")],
        lang.t("chart.as_of_date_axis"),
        lang.t("chart.churn_axis"),
        lang,
        height=300,
        tickformat=".0%",
    )
    figure["data"].append(
        {
            "type": "scatter",
            "mode": "lines",
            "x": [dates[0], dates[-1]],
            "y": [threshold, threshold],
            "name": lang.t("chart.churn_threshold", value=lang.percent(threshold, 0)),
            "line": {"color": charts.NEUTRAL_COLOUR, "dash": "dash", "width": 1},
            "hoverinfo": "skip",
        }
    )
    figure["layout"]["showlegend"] = True
    figure["layout"]["margin"]["t"] = 30
    ctx.content.add_chart(
        Chart(
            "chart-churn",
            lang.t("chart.churn_title"),
            lang.t("caption.churn", threshold=lang.percent(threshold, 0)),
            figure,
        )
    )


def _shares(ctx: Context) -> None:
    lang, history = ctx.lang, ctx.data.history
    sizes = history.sizes
    totals = sizes.groupby("as_of_date")[["customers", "revenue"]].sum()
    dates = [d.isoformat() for d in history.dates]
    variants = []
    for measure in ("customers", "revenue"):
        data = []
        for code, segment in enumerate(history.segments):
            rows = sizes[sizes["segment_name"] == segment].set_index("as_of_date")
            values = rows[measure].reindex(history.dates).fillna(0)
            shares = [
                float(v / totals.loc[d, measure]) if totals.loc[d, measure] else 0.0
                for d, v in values.items()
            ]
            name = segment_name(lang, segment)
            texts = [
                lang.t(
                    f"hover.share_{measure}",
                    name=name,
                    date=lang.date(d),
                    value=lang.number(v) if measure == "customers" else lang.money(v),
                    share=lang.percent(s),
                )
                for (d, v), s in zip(values.items(), shares, strict=True)
            ]
            colour = charts.colour(charts.SEGMENT_COLOURS, code)
            data.append(
                {
                    "type": "scatter",
                    "mode": "lines",
                    "stackgroup": "one",
                    "x": dates,
                    "y": shares,
                    "name": name,
                    "line": {"width": 0.5, "color": colour},
                    "fillcolor": colour,
                    **charts.hover(texts),
                }
            )
        figure = {
            "data": data,
            "layout": charts.layout(
                lang,
                height=400,
                showlegend=True,
                hovermode="x unified",
                legend={"orientation": "v", "x": 1.02, "y": 1, "traceorder": "normal"},
                margin={"l": 70, "r": 10, "t": 10, "b": 40},
                xaxis=charts.axis(lang.t("chart.as_of_date_axis"), type="date"),
                yaxis=charts.axis(
                    lang.t(f"chart.share_of_{measure}_axis"),
                    tickformat=".0%",
                    range=[0, 1],
                ),
            ),
        }
        variants.append((lang.t(f"chart.variant_{measure}"), figure))
    ctx.content.add_chart(
        Chart(
            "chart-segment-shares-over-time",
            lang.t("chart.shares_over_time_title"),
            lang.t(
                "caption.shares_over_time",
                first=lang.date(history.dates[0]),
                last=lang.date(history.dates[-1]),
                count=len(history.dates),
            ),
            variants[0][1],
            variants=variants,
        )
    )


def _sankey(ctx: Context) -> None:
    """What the page's script needs to draw the Sankey of any two dates;
    it starts on the default pair (a quarter apart, else a month)."""
    lang, history, pair = ctx.lang, ctx.data.history, ctx.pair
    positions = {d: i for i, d in enumerate(history.dates)}
    ctx.content.sankey = {
        "dates": [d.isoformat() for d in history.dates],
        "date_labels": [lang.date(d) for d in history.dates],
        "segments": [segment_name(lang, s) for s in history.segments],
        "colours": [
            charts.colour(charts.SEGMENT_COLOURS, i)
            for i in range(len(history.segments))
        ],
        "from": positions[pair.from_date],
        "to": positions[pair.to_date],
        "flows": all_pair_flows(history),
    }
    ctx.content.add_chart(
        Chart.named(
            lang, "sankey", {"data": [], "layout": charts.layout(lang, height=420)}
        )
    )
    ctx.content.texts.update(
        {
            "sankey_new": lang.t("chart.sankey_new"),
            "sankey_gone": lang.t("chart.sankey_gone"),
            "sankey_link": lang.t("hover.sankey_link"),
            "sankey_node_left": lang.t("hover.sankey_node_left"),
            "sankey_node_right": lang.t("hover.sankey_node_right"),
            "sankey_order": lang.t("chart.sankey_order"),
        }
    )


def _alerts(ctx: Context) -> None:
    lang, data, history = ctx.lang, ctx.data, ctx.data.history
    thresholds = data.alert_thresholds
    if {"inactive", "lost"} <= set(thresholds):
        inactive, lost = thresholds["inactive"], thresholds["lost"]
        recency = history.recency
        totals = recency.groupby("as_of_date")["customers"].sum()
        counts = {
            "inactive": recency[
                (recency["recency_days"] > inactive) & (recency["recency_days"] <= lost)
            ],
            "lost": recency[recency["recency_days"] > lost],
        }
        series = []
        for key, colour in (("inactive", "#f29e4c"), ("lost", "#b23a48")):
            per_date = (
                counts[key]
                .groupby("as_of_date")["customers"]
                .sum()
                .reindex(history.dates)
                .fillna(0)
                .astype(int)
            )
            texts = [
                lang.t(
                    f"hover.alerts_{key}",
                    date=lang.date(d),
                    customers=lang.number(n),
                    share=lang.percent(n / totals.loc[d] if totals.loc[d] else 0),
                )
                for d, n in per_date.items()
            ]
            series.append((lang.t(f"alert.{key}"), per_date.tolist(), texts, colour))
        ctx.content.add_chart(
            Chart(
                "chart-alerts-over-time",
                lang.t("chart.alerts_title"),
                lang.t(
                    "caption.alerts",
                    inactive=lang.number(inactive),
                    lost=lang.number(lost),
                ),
                charts.lines(
                    [d.isoformat() for d in history.dates],
                    series,
                    lang.t("chart.as_of_date_axis"),
                    lang.t("chart.customers"),
                    lang,
                    height=320,
                ),
            )
        )
    if data.alerts is not None and not data.alerts.empty:
        order = {t: i for i, t in enumerate(ALERT_ORDER)}
        alerts = data.alerts.sort_values(
            "alert_type", key=lambda s: s.map(lambda t: order.get(t, len(order)))
        )
        rows = [
            (
                [
                    Cell(lang.t_or(f"alert.{row.alert_type}", row.alert_type)),
                    Cell(lang.number(row.customers), float(row.customers)),
                    Cell(lang.number(row.newly_raised), float(row.newly_raised)),
                ],
                None,
            )
            for row in alerts.itertuples(index=False)
        ]
        ctx.content.add_table(
            Table(
                "table-alerts",
                [
                    (lang.t("table.alert"), False),
                    (lang.t("table.customers"), True),
                    (lang.t("table.newly_raised"), True),
                ],
                rows,
                filterable=False,
            )
        )
