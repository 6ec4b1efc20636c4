"""The RFM segments page: the table of segments (each opens to its profile,
playbook and customer list), the R, F and M distributions and the R x F
heat maps of customers and of mean value."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from segmentation.report import charts
from segmentation.report.charts import Chart
from segmentation.report.content import Cell, Profile, Table
from segmentation.report.context import Context
from segmentation.report.customer_lists import Group
from segmentation.report.data import no_rows
from segmentation.report.findings import segment_flows
from segmentation.report.labels import segment_name
from segmentation.report.profiles import download, playbook, response_kpi
from segmentation.report.seed_texts import RFM_ACTION, RFM_DESCRIPTION
from segmentation.report.value import value_facts

FREQUENCY_EDGES = (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 15, 20, 30, 50, 100)
MONEY_EDGES = (0, 50, 100, 250, 500, 1_000, 2_500, 5_000, 10_000, 25_000, 50_000)
RECENCY_BINS = 25  # bars of the recency histogram at most


def build_segments(ctx: Context, groups: dict[str, Group]) -> None:
    summary = ctx.data.segment_summary
    if no_rows(summary):
        return
    _table(ctx, summary)
    for row in summary.itertuples(index=False):
        ctx.content.segments.append(_profile(ctx, row, groups))
    rows = ctx.data.customer_rows
    if rows is not None and {"r_score", "f_score", "m_score"} <= set(rows.columns):
        _distributions(ctx, rows)
        _heatmaps(ctx, rows)


def _table(ctx: Context, summary: pd.DataFrame) -> None:
    lang = ctx.lang
    columns = [
        (lang.t("table.segment"), False),
        (lang.t("table.customers"), True),
        (lang.t("table.customer_share"), True),
        (lang.money_label("table.revenue"), True),
        (lang.t("table.revenue_share"), True),
        (lang.money_label("table.mean_order_value"), True),
        (lang.t("table.orders_per_customer"), True),
        (lang.t("table.recency"), True),
    ]
    rows = []
    for row in summary.itertuples(index=False):
        cells = [
            Cell(segment_name(lang, row.segment_name), float(row.segment_rank)),
            Cell(lang.number(row.customers), float(row.customers)),
            Cell(lang.percent(row.customer_share), float(row.customer_share)),
            Cell(lang.money(row.revenue), _sortable(row.revenue)),
            Cell(lang.percent(row.revenue_share), _sortable(row.revenue_share)),
            Cell(lang.money(row.mean_order_value, 2), _sortable(row.mean_order_value)),
            Cell(lang.number(row.mean_frequency, 1), _sortable(row.mean_frequency)),
            Cell(
                lang.number(row.mean_recency_days, 0), _sortable(row.mean_recency_days)
            ),
        ]
        rows.append((cells, f"segment-{row.segment_rank}"))
    ctx.content.add_table(Table("table-segments", columns, rows))


def _sortable(value: object) -> float:
    """A number to sort by; a missing value sorts first."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return -math.inf
    return -math.inf if math.isnan(number) else number


def _profile(ctx: Context, row, groups: dict[str, Group]) -> Profile:
    lang = ctx.lang
    name = segment_name(lang, row.segment_name)
    lines, budget_row = playbook(ctx, "rfm_segment", row.segment_name)
    if row.customers == 0:
        facts = [(lang.t("fact.customers"), lang.t("empty.segment_no_customers"))]
    else:
        facts = [
            (
                lang.t("fact.customers"),
                lang.count_and_share(lang.number(row.customers), row.customer_share),
            ),
            (
                lang.t("fact.revenue"),
                lang.count_and_share(lang.money(row.revenue), row.revenue_share),
            ),
            (lang.t("fact.mean_order_value"), lang.money(row.mean_order_value, 2)),
            (lang.t("fact.orders_per_customer"), lang.number(row.mean_frequency, 1)),
            (
                lang.t("fact.recency"),
                lang.t("unit.days", value=lang.number(row.mean_recency_days, 0)),
            ),
            *value_facts(ctx, "rfm_segment", row.segment_name),
        ]
    chart_id = _trend_chart(ctx, row.segment_name, row.segment_rank, name)
    return Profile(
        anchor=f"segment-{row.segment_rank}",
        kind="segment",
        title=name,
        description=lang.seed(*RFM_DESCRIPTION, row.description) or None,
        action=lang.seed(*RFM_ACTION, row.recommended_action) or None,
        facts=facts,
        trend=_trend_lines(ctx, row.segment_name),
        playbook=lines,
        kpis=_kpis(ctx, row, budget_row),
        download=download(ctx, groups, f"segment:{row.segment_name}", name),
        chart_id=chart_id,
    )


def _trend_lines(ctx: Context, segment: str) -> list[str]:
    lang, history, pair = ctx.lang, ctx.data.history, ctx.pair
    if history is None or pair is None:
        return [lang.t("empty.history")]
    sizes = history.sizes
    before = sizes[sizes["as_of_date"] == pair.from_date]
    after = sizes[sizes["as_of_date"] == pair.to_date]
    then = int(before.loc[before["segment_name"] == segment, "customers"].sum())
    now = int(after.loc[after["segment_name"] == segment, "customers"].sum())
    share_then = _share(before, segment)
    share_now = _share(after, segment)
    lines = [
        lang.t(
            "trend.customers",
            date=lang.date(pair.from_date),
            before=lang.number(then),
            now=lang.number(now),
            change=lang.signed_number(now - then),
        ),
        lang.t(
            "trend.revenue_share",
            before=lang.percent(share_then),
            now=lang.percent(share_now),
            change=lang.signed_percent_points((share_now - share_then) * 100),
        ),
    ]
    flows = segment_flows(pair, ctx.segments, segment)
    if flows is not None:
        lines.append(
            lang.t(
                "trend.flows",
                stayed=lang.percent(flows["stayed"] / flows["total"]),
                up=lang.percent(flows["up"] / flows["total"]),
                down=lang.percent(flows["down"] / flows["total"]),
            )
        )
    return lines


def _share(sizes: pd.DataFrame, segment: str) -> float:
    total = float(sizes["revenue"].sum())
    mine = float(sizes.loc[sizes["segment_name"] == segment, "revenue"].sum())
    return mine / total if total else 0.0


def _kpis(ctx: Context, row, budget_row) -> list[str]:
    lang = ctx.lang
    kpis = [
        lang.t("kpi.customers", value=lang.number(row.customers)),
        lang.t("kpi.revenue_share", value=lang.percent(row.revenue_share)),
        lang.t("kpi.order_value", value=lang.money(row.mean_order_value, 2)),
    ]
    flows = (
        None
        if ctx.pair is None
        else segment_flows(ctx.pair, ctx.segments, row.segment_name)
    )
    if flows is not None:
        kpis.append(
            lang.t(
                "kpi.retention",
                value=lang.percent(flows["stayed"] / flows["total"]),
                date=lang.date(ctx.pair.from_date),
            )
        )
        # The top-ranked segment has no better segment to move to.
        if ctx.segments.index(row.segment_name) > 0:
            kpis.append(
                lang.t("kpi.moved_up", value=lang.percent(flows["up"] / flows["total"]))
            )
    else:
        kpis.append(lang.t("kpi.retention_unmeasured"))
    kpis.append(response_kpi(ctx, budget_row))
    return kpis


def _trend_chart(ctx: Context, segment: str, rank: int, name: str) -> str | None:
    """Customers of one segment at each published date (screen only: the
    printed report has the shares of all segments in one chart)."""
    lang, history = ctx.lang, ctx.data.history
    if history is None or len(history.dates) < 2:
        return None
    sizes = history.sizes[history.sizes["segment_name"] == segment]
    counts = sizes.set_index("as_of_date")["customers"].reindex(history.dates)
    counts = counts.fillna(0).astype(int)
    totals = history.sizes.groupby("as_of_date")["customers"].sum()
    texts = [
        lang.t(
            "hover.trend",
            name=name,
            date=lang.date(d),
            customers=lang.number(n),
            share=lang.percent(n / totals.get(d, 1) if totals.get(d) else 0),
        )
        for d, n in counts.items()
    ]
    chart_id = f"chart-segment-trend-{rank}"
    code = ctx.segments.index(segment) if segment in ctx.segments else 0
    ctx.content.add_chart(
        Chart(
            chart_id,
            lang.t("chart.segment_trend_title", name=name),
            "",
            charts.lines(
                [d.isoformat() for d in history.dates],
                [
                    (
                        name,
                        counts.tolist(),
                        texts,
                        charts.colour(charts.SEGMENT_COLOURS, code),
                    )
                ],
                "",
                lang.t("chart.customers"),
                lang,
                height=220,
            ),
            screen_only=True,
        )
    )
    return chart_id


# --- R, F and M ------------------------------------------------------------


def _binned(values: np.ndarray, edges: list[float]) -> np.ndarray:
    """Index of the bin [edges[i], edges[i+1]) of each value; values below
    the first edge go to bin 0, above the last to the last bin."""
    return np.clip(np.searchsorted(edges, values, side="right") - 1, 0, len(edges) - 1)


def _distributions(ctx: Context, rows: pd.DataFrame) -> None:
    lang = ctx.lang
    recency = rows["recency_days"].to_numpy(dtype=float)
    width = 30 * max(1, math.ceil((recency.max() + 1) / (30 * RECENCY_BINS)))
    recency_edges = list(np.arange(0, recency.max() + width, width))
    recency_labels = [
        lang.t("bin.days", low=lang.number(a), high=lang.number(a + width - 1))
        for a in recency_edges
    ]
    frequency_edges = list(FREQUENCY_EDGES)
    frequency_labels = [
        lang.number(a)
        if b - a == 1
        else lang.t("bin.range", low=lang.number(a), high=lang.number(b - 1))
        for a, b in zip(frequency_edges, [*frequency_edges[1:], math.inf], strict=True)
    ]
    frequency_labels[-1] = lang.t("bin.or_more", low=lang.number(frequency_edges[-1]))
    money_edges = [-math.inf, *MONEY_EDGES]
    money_labels = [lang.t("bin.up_to", high=lang.money(0))]
    for a, b in zip(MONEY_EDGES[:-1], MONEY_EDGES[1:], strict=True):
        money_labels.append(
            lang.t("bin.money_range", low=lang.money(a), high=lang.money(b))
        )
    money_labels.append(lang.t("bin.or_more", low=lang.money(MONEY_EDGES[-1])))
    specs = (
        ("recency", "recency_days", "r_score", recency_edges, recency_labels),
        ("frequency", "frequency", "f_score", frequency_edges, frequency_labels),
        ("monetary", "monetary", "m_score", money_edges, money_labels),
    )
    for key, column, score, edges, labels in specs:
        values = rows[column].to_numpy(dtype=float)
        bins = _binned(values, edges)
        scores = rows[score].to_numpy(dtype=int)
        low, high = int(bins.min()), int(bins.max())
        shown = labels[low : high + 1]
        data = []
        for s in range(1, 6):
            counts = np.bincount(bins[scores == s], minlength=len(edges))
            counts = counts[low : high + 1]
            texts = [
                lang.t(
                    f"hover.{key}_bin",
                    score=s,
                    bin=shown[i],
                    customers=lang.number(int(n)),
                    share=lang.percent(n / len(values)),
                )
                for i, n in enumerate(counts)
            ]
            data.append(
                {
                    "type": "bar",
                    "x": shown,
                    "y": counts.tolist(),
                    "name": lang.t(f"chart.{key}_score_legend", score=s),
                    "marker": {"color": charts.SCORE_COLOURS[s - 1]},
                    **charts.hover(texts),
                }
            )
        figure = {
            "data": data,
            "layout": charts.layout(
                lang,
                height=320,
                barmode="stack",
                bargap=0.08,
                showlegend=True,
                margin={"l": 70, "r": 10, "t": 40, "b": 40},
                xaxis=charts.axis(
                    lang.t(f"chart.{key}_axis"), type="category", tickangle=-40
                ),
                yaxis=charts.axis(lang.t("chart.customers")),
            ),
        }
        ctx.content.add_chart(Chart.named(lang, f"{key}_distribution", figure))


def _heatmaps(ctx: Context, rows: pd.DataFrame) -> None:
    lang = ctx.lang
    grid = (
        rows.groupby(["r_score", "f_score"])["monetary"]
        .agg(["count", "mean"])
        .reindex(pd.MultiIndex.from_product([range(1, 6), range(1, 6)]))
    )
    scores = [str(s) for s in range(1, 6)]
    for key, column in (("customers", "count"), ("value", "mean")):
        z, text, hovers = [], [], []
        for r in range(1, 6):
            z_row, text_row, hover_row = [], [], []
            for f in range(1, 6):
                count, mean = grid.loc[(r, f), "count"], grid.loc[(r, f), "mean"]
                count = 0 if pd.isna(count) else int(count)
                value = count if column == "count" else (None if count == 0 else mean)
                z_row.append(None if value is None else float(value))
                text_row.append(
                    lang.number(count)
                    if column == "count"
                    else ("" if value is None else lang.money_compact(value))
                )
                hover_row.append(
                    lang.t(
                        "hover.rf_cell",
                        r=r,
                        f=f,
                        customers=lang.number(count),
                        value=lang.t("value.not_available")
                        if count == 0
                        else lang.money(mean, 2),
                    )
                )
            z.append(z_row)
            text.append(text_row)
            hovers.append(hover_row)
        figure = charts.heatmap(
            z,
            scores,
            scores,
            text,
            hovers,
            lang.t("chart.f_score_axis"),
            lang.t("chart.r_score_axis"),
            lang,
            colorscale=charts.BLUES if key == "customers" else charts.GREENS,
            height=330,
        )
        ctx.content.add_chart(Chart.named(lang, f"rf_{key}", figure, half=True))
