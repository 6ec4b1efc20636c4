"""The budget page: the campaign budget split per RFM segment, per
cluster and per value tier, as tables and bars, in the reporting
currency. Segments and clusters open their profiles, where their playbook
is; value tiers have no profile, so their table carries the message and
the offer."""

from __future__ import annotations

from segmentation.report import charts
from segmentation.report.charts import Chart
from segmentation.report.content import Cell, Table
from segmentation.report.context import Context
from segmentation.report.data import no_rows
from segmentation.report.labels import cluster_name, segment_name
from segmentation.report.seed_texts import PLAYBOOK, VALUE_TIER

PLANS = (
    ("rfm_segment", "budget.plan_segments"),
    ("cluster", "budget.plan_clusters"),
    ("value_tier", "budget.plan_value_tiers"),
)


def build_budget(ctx: Context) -> None:
    lang, frame = ctx.lang, ctx.data.budget
    if no_rows(frame):
        return
    ctx.content.notes["budget_total"] = lang.money(
        float(frame["campaign_budget"].iloc[0]), 2
    )
    for segment_type, title_key in PLANS:
        rows = frame[frame["segment_type"] == segment_type].sort_values(
            ["segment_rank", "segment_name"]
        )
        if rows.empty:
            continue
        names = [_name(ctx, segment_type, r) for r in rows.itertuples()]
        anchors = [_anchor(segment_type, r) for r in rows.itertuples()]
        # Value tiers open no profile: their playbook is in the table.
        texts = ("message", "offer") if segment_type == "value_tier" else ()
        table_rows = [
            (
                [
                    Cell(name, float(r.segment_rank)),
                    Cell(lang.number(r.customers), float(r.customers)),
                    Cell(
                        lang.number(float(r.budget_weight), 1), float(r.budget_weight)
                    ),
                    Cell(lang.money(float(r.budget), 2), float(r.budget)),
                    Cell(lang.percent(r.budget_share), float(r.budget_share)),
                    Cell(
                        lang.money(r.budget_per_customer, 2),
                        float(r.budget_per_customer or 0),
                    ),
                    *(
                        Cell(lang.seed(*PLAYBOOK[c], getattr(r, c)), None)
                        for c in texts
                    ),
                ],
                anchor,
            )
            for name, anchor, r in zip(names, anchors, rows.itertuples(), strict=True)
        ]
        ctx.content.add_table(
            Table(
                f"table-budget-{segment_type}",
                [
                    (lang.t("table.segment"), False),
                    (lang.t("table.customers"), True),
                    (lang.t("table.weight"), True),
                    (lang.money_label("table.budget"), True),
                    (lang.t("table.budget_share"), True),
                    (lang.money_label("table.budget_per_customer"), True),
                    *((lang.t(f"playbook.{c}"), False) for c in texts),
                ],
                table_rows,
                filterable=False,
            )
        )
        budgets = [float(b) for b in rows["budget"]]
        ctx.content.add_chart(
            Chart(
                f"chart-budget-{segment_type}",
                lang.t(title_key),
                lang.t("caption.budget", plan=lang.t(title_key)),
                charts.bars(
                    names,
                    budgets,
                    [lang.money(b) for b in budgets],
                    [
                        lang.t(
                            "hover.budget",
                            name=n,
                            budget=lang.money(b, 2),
                            share=lang.percent(s),
                        )
                        for n, b, s in zip(
                            names, budgets, rows["budget_share"], strict=True
                        )
                    ],
                    lang.money_label("chart.budget_axis"),
                    lang,
                ),
            )
        )


def _name(ctx: Context, segment_type: str, row) -> str:
    if segment_type == "rfm_segment":
        return segment_name(ctx.lang, row.segment_name)
    if segment_type == "value_tier":
        return ctx.lang.seed(*VALUE_TIER, row.segment_name)
    return _cluster(ctx, row)


def _anchor(segment_type: str, row) -> str | None:
    if segment_type == "rfm_segment":
        return f"segment-{row.segment_rank}"
    if segment_type == "cluster":
        return f"cluster-{row.cluster_id}"
    return None


def _cluster(ctx: Context, row) -> str:
    if row.cluster_id is not None and int(row.cluster_id) in ctx.cluster_titles:
        return ctx.cluster_titles[int(row.cluster_id)]
    return cluster_name(ctx.lang, row.segment_name)
