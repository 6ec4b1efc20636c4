"""The value page, shown only when the published file has the value tables:
predicted customer lifetime value by segment and by cluster, the share of
revenue at risk (revenue so far of customers likely lost), the likely-lost
customers by segment, and the calibration chart (predicted against actual
purchases in a holdout the model did not see, by past purchases)."""

from __future__ import annotations

import pandas as pd

from segmentation.report import charts
from segmentation.report.charts import Chart
from segmentation.report.content import Cell, Table
from segmentation.report.context import Context
from segmentation.report.i18n import missing
from segmentation.report.labels import cluster_name, segment_name

PLANS = (("rfm_segment", "segments"), ("cluster", "clusters"))


def build_value(ctx: Context) -> None:
    value = ctx.data.value
    if value is None:
        return
    _summary(ctx)
    for segment_type, key in PLANS:
        rows = value.forecast_of(segment_type)
        if rows.empty:
            continue
        names = [_name(ctx, segment_type, r) for r in rows.itertuples()]
        _table(ctx, key, rows, names)
        _clv_chart(ctx, key, rows, names)
        if segment_type == "rfm_segment":
            _at_risk_charts(ctx, rows, names)
    _calibration(ctx)


def value_facts(ctx: Context, segment_type: str, name: str) -> list[tuple[str, str]]:
    """A segment's or a cluster's value, for its profile."""
    value, lang = ctx.data.value, ctx.lang
    if value is None:
        return []
    rows = value.forecast_of(segment_type)
    rows = rows[rows["segment_name"] == name]
    if rows.empty:
        return []
    row = rows.iloc[0]
    return [
        (
            lang.t("fact.predicted_clv", days=value.horizon_days or "?"),
            lang.t(
                "fact.clv_value",
                mean=lang.money(row["predicted_clv_mean"]),
                total=lang.money(row["predicted_clv_total"]),
            ),
        ),
        (lang.t("fact.p_alive"), lang.percent(row["mean_p_alive"])),
        (
            lang.t("fact.likely_lost"),
            lang.count_and_share(
                lang.number(row["likely_lost_customers"]), row["likely_lost_share"]
            ),
        ),
    ]


def value_finding(ctx: Context) -> str | None:
    """The value model's outlook in one sentence, for the overview."""
    totals = _totals(ctx)
    if totals is None:
        return None
    lang = ctx.lang
    return lang.t(
        "finding.value",
        days=totals["days"],
        clv=lang.money(totals["clv"]),
        lost=lang.number(totals["lost"]),
        share=lang.percent(totals["risk_share"]),
    )


def _totals(ctx: Context) -> dict | None:
    value = ctx.data.value
    if value is None:
        return None
    rows = value.forecast_of("rfm_segment")
    if rows.empty:
        rows = value.forecast_of("cluster")
    if rows.empty:
        return None
    revenue = float(rows["revenue_total"].sum())
    at_risk = float(rows["likely_lost_revenue"].sum())
    return {
        "days": value.horizon_days or "?",
        "customers": int(rows["customers"].sum()),
        "purchases": float(rows["expected_purchases"].sum()),
        "clv": float(rows["predicted_clv_total"].sum()),
        "lost": int(rows["likely_lost_customers"].sum()),
        "revenue_at_risk": at_risk,
        "risk_share": at_risk / revenue if revenue else 0.0,
        "lost_share": float(rows["likely_lost_customers"].sum())
        / max(int(rows["customers"].sum()), 1),
    }


def _name(ctx: Context, segment_type: str, row) -> str:
    if segment_type == "rfm_segment":
        return segment_name(ctx.lang, row.segment_name)
    title = ctx.cluster_titles.get(int(row.segment_rank))
    return title or cluster_name(ctx.lang, row.segment_name)


def _summary(ctx: Context) -> None:
    lang, value = ctx.lang, ctx.data.value
    totals = _totals(ctx)
    if totals is None:
        return
    threshold = value.threshold
    ctx.content.facts["value_cards"] = [
        (
            lang.t("value.card_clv", days=totals["days"]),
            lang.money(totals["clv"]),
        ),
        (
            lang.t("value.card_clv_mean"),
            lang.money(totals["clv"] / totals["customers"], 2)
            if totals["customers"]
            else lang.t("value.not_available"),
        ),
        (lang.t("value.card_risk_share"), lang.percent(totals["risk_share"])),
        (lang.t("value.card_lost"), lang.number(totals["lost"])),
    ]
    ctx.content.notes["value_intro"] = lang.t(
        "value.intro",
        days=totals["days"],
        customers=lang.number(totals["customers"]),
        purchases=lang.number(totals["purchases"]),
        clv=lang.money(totals["clv"]),
        lost=lang.number(totals["lost"]),
        lost_share=lang.percent(totals["lost_share"]),
        threshold=lang.percent(threshold, 0),
        revenue=lang.money(totals["revenue_at_risk"]),
        share=lang.percent(totals["risk_share"]),
    )


def _table(ctx: Context, key: str, rows: pd.DataFrame, names: list[str]) -> None:
    lang, days = ctx.lang, ctx.data.value.horizon_days or "?"
    columns = [
        (lang.t("table.segment" if key == "segments" else "table.cluster"), False),
        (lang.t("table.customers"), True),
        (lang.money_label("table.predicted_clv", days=days), True),
        (lang.money_label("table.clv_per_customer"), True),
        (lang.t("table.clv_share"), True),
        (lang.t("table.p_alive"), True),
        (lang.t("table.likely_lost"), True),
        (lang.money_label("table.revenue_at_risk"), True),
    ]
    body = []
    for name, r in zip(names, rows.itertuples(index=False), strict=True):
        anchor = (
            f"segment-{r.segment_rank}"
            if key == "segments"
            else f"cluster-{r.segment_rank}"
        )
        body.append(
            (
                [
                    Cell(name, float(r.segment_rank)),
                    Cell(lang.number(r.customers), float(r.customers)),
                    Cell(
                        lang.money(r.predicted_clv_total), _num(r.predicted_clv_total)
                    ),
                    Cell(
                        lang.money(r.predicted_clv_mean, 2), _num(r.predicted_clv_mean)
                    ),
                    Cell(
                        lang.percent(r.predicted_clv_share), _num(r.predicted_clv_share)
                    ),
                    Cell(lang.percent(r.mean_p_alive), _num(r.mean_p_alive)),
                    Cell(
                        lang.count_and_share(
                            lang.number(r.likely_lost_customers), r.likely_lost_share
                        ),
                        _num(r.likely_lost_customers),
                    ),
                    Cell(
                        lang.money(r.likely_lost_revenue), _num(r.likely_lost_revenue)
                    ),
                ],
                anchor,
            )
        )
    ctx.content.add_table(Table(f"table-value-{key}", columns, body, filterable=False))


def _num(value: object) -> float | None:
    return None if missing(value) else float(value)


def _bar_chart(
    ctx: Context,
    chart_id: str,
    titles: tuple[str, str, str],
    names: list[str],
    values: list[float],
    labels: list[str],
    hovers: list[str],
    colour: str,
    tickformat: str = "~s",
) -> None:
    """One horizontal bar chart of the value page; `titles` are the chart's
    title, its caption and its axis title."""
    title, caption, axis_title = titles
    figure = charts.bars(
        names,
        values,
        labels,
        hovers,
        axis_title,
        ctx.lang,
        colour_=colour,
        tickformat=tickformat,
    )
    ctx.content.add_chart(Chart(chart_id, title, caption, figure))


def _texts(format_, values) -> list[str]:
    return [format_(value) for value in values]


def _clv_chart(ctx: Context, key: str, rows: pd.DataFrame, names: list[str]) -> None:
    lang, days = ctx.lang, ctx.data.value.horizon_days or "?"
    totals = [0.0 if missing(v) else float(v) for v in rows["predicted_clv_total"]]
    _bar_chart(
        ctx,
        f"chart-clv-{key}",
        (
            lang.t(f"chart.clv_{key}_title", days=days),
            lang.t("caption.clv"),
            lang.money_label("chart.predicted_clv_axis", days=days),
        ),
        names,
        totals,
        _texts(lang.money_compact, totals),
        charts.hover_texts(
            lang,
            "hover.clv",
            names,
            total=_texts(lang.money, totals),
            mean=_texts(lambda m: lang.money(m, 2), rows["predicted_clv_mean"]),
            share=_texts(lang.percent, rows["predicted_clv_share"]),
        ),
        charts.VALUE_COLOUR,
    )


def _at_risk_charts(ctx: Context, rows: pd.DataFrame, names: list[str]) -> None:
    lang = ctx.lang
    shares = [
        (float(r) / float(t)) if t else 0.0
        for r, t in zip(rows["likely_lost_revenue"], rows["revenue_total"], strict=True)
    ]
    _bar_chart(
        ctx,
        "chart-revenue-at-risk",
        (
            lang.t("chart.revenue_at_risk_title"),
            lang.t("caption.revenue_at_risk"),
            lang.t("chart.revenue_at_risk_axis"),
        ),
        names,
        shares,
        _texts(lang.percent, shares),
        charts.hover_texts(
            lang,
            "hover.revenue_at_risk",
            names,
            share=_texts(lang.percent, shares),
            revenue=_texts(lang.money, rows["likely_lost_revenue"]),
            total=_texts(lang.money, rows["revenue_total"]),
        ),
        charts.REVENUE_COLOUR,
        tickformat=".0%",
    )
    lost = [int(v) for v in rows["likely_lost_customers"]]
    lost_shares = list(rows["likely_lost_share"])
    _bar_chart(
        ctx,
        "chart-likely-lost",
        (
            lang.t("chart.likely_lost_title"),
            lang.t(
                "caption.likely_lost",
                threshold=lang.percent(ctx.data.value.threshold, 0),
            ),
            lang.t("chart.likely_lost_axis"),
        ),
        names,
        lost,
        [
            lang.count_and_share(lang.number(n), s)
            for n, s in zip(lost, lost_shares, strict=True)
        ],
        charts.hover_texts(
            lang,
            "hover.likely_lost",
            names,
            lost=_texts(lang.number, lost),
            customers=_texts(lang.number, rows["customers"]),
            share=_texts(lang.percent, lost_shares),
        ),
        "#b23a48",
        tickformat=",d",
    )


def _calibration(ctx: Context) -> None:
    lang, holdout = ctx.lang, ctx.data.value.holdout
    if holdout.empty:
        return
    buckets = holdout[~holdout["is_total"].astype(bool)]
    total = holdout[holdout["is_total"].astype(bool)]
    x = [str(b) for b in buckets["frequency_bucket"]]
    series = []
    for column, key, colour in (
        (
            "mean_predicted_purchases",
            "chart.calibration_predicted",
            charts.CUSTOMER_COLOUR,
        ),
        ("mean_actual_purchases", "chart.calibration_actual", charts.REVENUE_COLOUR),
    ):
        values = [float(v) for v in buckets[column]]
        texts = [
            lang.t(
                "hover.calibration",
                bucket=b,
                customers=lang.number(n),
                predicted=lang.number(p, 2),
                actual=lang.number(a, 2),
            )
            for b, n, p, a in zip(
                x,
                buckets["customers"],
                buckets["mean_predicted_purchases"],
                buckets["mean_actual_purchases"],
                strict=True,
            )
        ]
        series.append((lang.t(key), values, texts, colour))
    figure = charts.lines(
        x,
        series,
        lang.t("chart.calibration_x_axis"),
        lang.t("chart.calibration_y_axis"),
        lang,
        height=320,
    )
    figure["layout"]["xaxis"]["type"] = "category"
    caption = lang.t("caption.calibration")
    if not total.empty:
        row = total.iloc[0]
        caption = lang.t(
            "caption.calibration_figures",
            days=int(row["holdout_days"]),
            predicted=lang.number(row["predicted_purchases"]),
            actual=lang.number(row["actual_purchases"]),
            error=lang.percent(row["purchase_error_share"])
            if not missing(row["purchase_error_share"])
            else lang.t("value.not_available"),
            mae=lang.number(row["mean_absolute_error"], 2),
            correlation=lang.number(row["correlation"], 2),
        )
    ctx.content.add_chart(
        Chart("chart-calibration", lang.t("chart.calibration_title"), caption, figure)
    )
