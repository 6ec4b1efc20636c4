"""What each section of the report says, as formatted text in one language:
the figures of `ReportData` turned into sentences, table rows and charts.
The HTML template only lays these out."""

from __future__ import annotations

import base64
import math
from dataclasses import dataclass, field

import pandas as pd

from segmentation.report import figures
from segmentation.report.data import ReportData
from segmentation.report.findings import (
    movement,
    pareto_share,
    segment_flows,
    top_revenue_segment,
)
from segmentation.report.i18n import Language


@dataclass
class Chart:
    """One chart: its anchor id, caption and the SVG as a data URI."""

    chart_id: str
    caption: str
    uri: str


@dataclass
class Section:
    """A segment's or a cluster's profile."""

    anchor: str
    title: str
    description: str | None
    action: str | None
    facts: list[tuple[str, str]]
    trend: list[str]
    playbook: list[tuple[str, str]]
    kpis: list[str]


@dataclass
class ReportContent:
    """Everything the template shows."""

    lang: Language
    subtitle: str = ""
    headline: list[tuple[str, str]] = field(default_factory=list)
    findings: list[str] = field(default_factory=list)
    charts: dict[str, Chart] = field(default_factory=dict)
    segments: list[Section] = field(default_factory=list)
    clusters: list[Section] = field(default_factory=list)
    cluster_note: str | None = None
    comparison: list[list[str]] = field(default_factory=list)
    comparison_note: str | None = None
    selection_summary: str | None = None
    selection_reason: str | None = None
    budgets: list[tuple[str, list[list[str]], str | None]] = field(default_factory=list)
    budget_total: str | None = None
    quality: list[tuple[str, str]] = field(default_factory=list)
    quarantine: list[list[str]] = field(default_factory=list)
    build: list[tuple[str, str]] = field(default_factory=list)


def _svg_uri(svg: str) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


def _missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def build_content(data: ReportData, lang: Language, seed: int = 42) -> ReportContent:
    """Format every section of the report from `data` in `lang`."""
    content = ReportContent(lang=lang)
    _headline(data, lang, content)
    _findings(data, lang, content)
    _segment_sections(data, lang, content)
    _cluster_sections(data, lang, content, seed)
    _comparison(data, lang, content)
    _budget(data, lang, content)
    _quality(data, lang, content)
    return content


def _chart(content: ReportContent, chart_id: str, caption: str, svg: str) -> None:
    content.charts[chart_id] = Chart(chart_id, caption, _svg_uri(svg))


def _headline(data: ReportData, lang: Language, content: ReportContent) -> None:
    content.subtitle = (
        lang.t("report.subtitle_no_date")
        if data.as_of_date is None
        else lang.t("report.subtitle", date=lang.date(data.as_of_date))
    )
    content.headline = [
        (lang.t("summary.customers"), lang.number(data.customers)),
        (lang.t("summary.as_of_date"), lang.date(data.as_of_date)),
        (lang.t("summary.revenue"), lang.number(data.revenue)),
    ]
    meta = data.metadata or {}
    if meta.get("input_order_lines") is not None:
        content.headline.append(
            (lang.t("summary.order_lines"), lang.number(meta["input_order_lines"]))
        )


def _findings(data: ReportData, lang: Language, content: ReportContent) -> None:
    out = content.findings
    top = top_revenue_segment(data.segment_summary, "segment_name")
    if top is not None:
        out.append(
            lang.t(
                "finding.top_segment",
                segment=top.name,
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
                cluster=top_cluster.name,
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
    else:
        out.append(lang.t("finding.no_alerts"))
    moved = movement(data)
    if moved is not None:
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
                    source=moved.largest_from,
                    target=moved.largest_to,
                )
            )
        if moved.grew_most is not None:
            out.append(
                lang.t(
                    "finding.grew_most",
                    segment=moved.grew_most,
                    customers=lang.number(moved.grew_by),
                )
            )
    else:
        out.append(lang.t("finding.no_history"))
    pareto = pareto_share(data.monetary_desc)
    if pareto is not None:
        out.append(lang.t("finding.pareto", share=lang.percent(pareto)))


def _playbook(
    data: ReportData, lang: Language, segment_type: str, name: str
) -> tuple[list[tuple[str, str]], pd.Series | None]:
    if data.budget is None:
        return [(lang.t("playbook.title"), lang.t("empty.budget"))], None
    rows = data.budget[
        (data.budget["segment_type"] == segment_type)
        & (data.budget["segment_name"] == name)
    ]
    if rows.empty:
        return [(lang.t("playbook.title"), lang.t("empty.playbook_row"))], None
    row = rows.iloc[0]
    return [
        (lang.t("playbook.message"), row["message"]),
        (lang.t("playbook.offer"), row["offer"]),
        (lang.t("playbook.channels"), row["channels"]),
        (lang.t("playbook.cadence"), row["cadence"]),
        (
            lang.t("playbook.budget"),
            lang.t(
                "playbook.budget_value",
                budget=lang.number(float(row["budget"])),
                per_customer=lang.number(row["budget_per_customer"], 2),
            ),
        ),
    ], row


def _response_kpi(lang: Language, row: pd.Series | None) -> str:
    if row is None or _missing(row.get("response_rate")):
        return lang.t("kpi.response_rate_unmeasured")
    return lang.t(
        "kpi.response_rate",
        value=lang.percent(row["response_rate"]),
        lower=lang.percent(row["response_rate_lower"]),
        upper=lang.percent(row["response_rate_upper"]),
    )


def _segment_sections(data: ReportData, lang: Language, content: ReportContent) -> None:
    summary = data.segment_summary
    if summary is None or summary.empty:
        return
    names = list(summary["segment_name"])
    _chart(
        content,
        "chart-segment-shares",
        lang.t("caption.segment_shares"),
        figures.share_bars(
            names,
            list(summary["customer_share"].astype(float)),
            list(summary["revenue_share"].fillna(0).astype(float)),
            lang.t("chart.segment_shares_title"),
            lang,
        ),
    )
    if data.rf_counts is not None and not data.rf_counts.empty:
        _chart(
            content,
            "chart-rf-heatmap",
            lang.t("caption.rf_heatmap"),
            figures.rf_heatmap(data.rf_counts, lang),
        )
    if data.monetary_desc is not None and len(data.monetary_desc):
        _chart(
            content,
            "chart-pareto",
            lang.t("caption.pareto"),
            figures.pareto_curve(data.monetary_desc, lang),
        )
    if data.transitions is not None and not data.transitions.empty:
        _chart(
            content,
            "chart-transitions",
            lang.t("caption.transitions"),
            figures.transition_matrix(data.transitions, names, lang),
        )
    trend = data.segment_trend
    for index, row in enumerate(summary.itertuples(index=False), start=1):
        playbook, budget_row = _playbook(data, lang, "rfm_segment", row.segment_name)
        if row.customers == 0:
            facts = [(lang.t("fact.customers"), lang.t("empty.segment_no_customers"))]
        else:
            facts = [
                *_size_facts(lang, row),
                (lang.t("fact.mean_order_value"), lang.number(row.mean_order_value, 2)),
                (
                    lang.t("fact.orders_per_customer"),
                    lang.number(row.mean_frequency, 1),
                ),
                (
                    lang.t("fact.recency"),
                    lang.t("unit.days", value=lang.number(row.mean_recency_days, 0)),
                ),
            ]
        content.segments.append(
            Section(
                anchor=f"segment-{index}",
                title=row.segment_name,
                description=row.description,
                action=row.recommended_action or None,
                facts=facts,
                trend=_segment_trend(data, lang, trend, row.segment_name),
                playbook=playbook,
                kpis=_segment_kpis(data, lang, row, budget_row),
            )
        )


def _size_facts(lang: Language, row: tuple) -> list[tuple[str, str]]:
    """Customers and revenue with their shares, for a segment or a cluster."""
    return [
        (
            lang.t("fact.customers"),
            lang.t(
                "fact.count_and_share",
                count=lang.number(row.customers),
                share=lang.percent(row.customer_share),
            ),
        ),
        (
            lang.t("fact.revenue"),
            lang.t(
                "fact.count_and_share",
                count=lang.number(row.revenue),
                share=lang.percent(row.revenue_share),
            ),
        ),
    ]


def _segment_trend(
    data: ReportData, lang: Language, trend: pd.DataFrame | None, name: str
) -> list[str]:
    if trend is None or data.trend_dates is None:
        return [lang.t("empty.history")]
    rows = trend[trend["segment_name"] == name]
    before = int(rows["previous_customers"].sum())
    now = int(rows["current_customers"].sum())
    previous_total = trend["previous_revenue"].sum()
    current_total = trend["current_revenue"].sum()
    share_before = (
        rows["previous_revenue"].sum() / previous_total if previous_total else 0
    )
    share_now = rows["current_revenue"].sum() / current_total if current_total else 0
    lines = [
        lang.t(
            "trend.customers",
            date=lang.date(data.trend_dates[0]),
            before=lang.number(before),
            now=lang.number(now),
            change=lang.signed_number(now - before),
        ),
        lang.t(
            "trend.revenue_share",
            before=lang.percent(share_before),
            now=lang.percent(share_now),
            change=lang.signed_percent_points((share_now - share_before) * 100),
        ),
    ]
    flows = segment_flows(data, name)
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


def _segment_kpis(
    data: ReportData, lang: Language, row, budget_row: pd.Series | None
) -> list[str]:
    kpis = [
        lang.t("kpi.customers", value=lang.number(row.customers)),
        lang.t("kpi.revenue_share", value=lang.percent(row.revenue_share)),
        lang.t("kpi.order_value", value=lang.number(row.mean_order_value, 2)),
    ]
    flows = segment_flows(data, row.segment_name)
    if flows is not None:
        kpis.append(
            lang.t(
                "kpi.retention", value=lang.percent(flows["stayed"] / flows["total"])
            )
        )
        # The top-ranked segment has no better segment to move to.
        if row.segment_rank != data.segment_summary["segment_rank"].min():
            kpis.append(
                lang.t("kpi.moved_up", value=lang.percent(flows["up"] / flows["total"]))
            )
    else:
        kpis.append(lang.t("kpi.retention_unmeasured"))
    kpis.append(_response_kpi(lang, budget_row))
    return kpis


def _feature_mean(data: ReportData, cluster_id: int, feature: str) -> float | None:
    frame = data.cluster_features
    if frame is None:
        return None
    rows = frame[(frame["cluster_id"] == cluster_id) & (frame["feature"] == feature)]
    return None if rows.empty else float(rows["mean_value"].iloc[0])


def _cluster_sections(
    data: ReportData, lang: Language, content: ReportContent, seed: int
) -> None:
    profiles = data.cluster_profiles
    if profiles is None or profiles.empty:
        return
    names = [f"{r.cluster_id}. {r.cluster_name}" for r in profiles.itertuples()]
    _chart(
        content,
        "chart-cluster-shares",
        lang.t("caption.cluster_shares"),
        figures.share_bars(
            names,
            list(profiles["customer_share"].astype(float)),
            list(profiles["revenue_share"].fillna(0).astype(float)),
            lang.t("chart.cluster_shares_title"),
            lang,
        ),
    )
    if data.cluster_selection is not None and not data.cluster_selection.empty:
        _chart(
            content,
            "chart-k-selection",
            lang.t("caption.k_selection"),
            figures.k_selection(data.cluster_selection, lang),
        )
        chosen = data.cluster_selection[
            data.cluster_selection["is_chosen"].astype(bool)
        ]
        if not chosen.empty:
            content.selection_summary = lang.t(
                "clusters.chosen_k",
                k=int(chosen["k"].iloc[0]),
                silhouette=lang.number(chosen["silhouette"].iloc[0], 3),
                stability=lang.number(chosen["stability_ari"].iloc[0], 3),
            )
            if chosen["chosen_k_reason"].iloc[0]:
                content.selection_reason = str(chosen["chosen_k_reason"].iloc[0])
    if data.cluster_points is not None and data.cluster_features is not None:
        used = data.cluster_features.drop_duplicates("feature")
        used = used[used["is_clustered_on"].astype(bool)]
        transforms = dict(zip(used["feature"], used["feature_transform"], strict=True))
        _chart(
            content,
            "chart-cluster-projection",
            lang.t(
                "caption.projection",
                features=", ".join(transforms),
                shown=lang.number(
                    min(len(data.cluster_points), figures.SCATTER_SAMPLE)
                ),
                customers=lang.number(len(data.cluster_points)),
            ),
            figures.cluster_projection(
                data.cluster_points,
                transforms,
                dict(
                    zip(profiles["cluster_id"], profiles["cluster_name"], strict=True)
                ),
                seed,
                lang,
            ),
        )
    else:
        content.cluster_note = lang.t("empty.projection")
    for row in profiles.itertuples(index=False):
        facts = _size_facts(lang, row)
        frequency = _feature_mean(data, row.cluster_id, "frequency")
        recency = _feature_mean(data, row.cluster_id, "recency_days")
        if frequency and row.customers:
            facts.append(
                (
                    lang.t("fact.mean_order_value"),
                    lang.number(row.revenue / (frequency * row.customers), 2),
                )
            )
        facts.append(
            (
                lang.t("fact.orders_per_customer"),
                lang.t("value.not_available")
                if frequency is None
                else lang.number(frequency, 1),
            )
        )
        facts.append(
            (
                lang.t("fact.recency"),
                lang.t("value.not_available")
                if recency is None
                else lang.t("unit.days", value=lang.number(recency, 0)),
            )
        )
        if row.dominant_rfm_segment:
            facts.append(
                (
                    lang.t("fact.dominant_segment"),
                    lang.t(
                        "fact.name_and_share",
                        name=row.dominant_rfm_segment,
                        share=lang.percent(row.dominant_rfm_segment_share),
                    ),
                )
            )
        if row.outliers:
            facts.append((lang.t("fact.outliers"), lang.number(row.outliers)))
        playbook, budget_row = _playbook(data, lang, "cluster", row.cluster_name)
        kpis = [
            lang.t("kpi.customers", value=lang.number(row.customers)),
            lang.t("kpi.revenue_share", value=lang.percent(row.revenue_share)),
        ]
        if not _missing(row.response_rate):
            kpis.append(
                lang.t(
                    "kpi.past_response_rate",
                    value=lang.percent(row.response_rate),
                )
            )
        else:
            kpis.append(_response_kpi(lang, budget_row))
        content.clusters.append(
            Section(
                anchor=f"cluster-{row.cluster_id}",
                title=f"{row.cluster_id}. {row.cluster_name}",
                description=None,
                action=None,
                facts=facts,
                trend=[lang.t("empty.cluster_history")],
                playbook=playbook,
                kpis=kpis,
            )
        )


def _comparison(data: ReportData, lang: Language, content: ReportContent) -> None:
    frame = data.cluster_comparison
    if frame is None or frame.empty:
        content.comparison_note = lang.t("empty.comparison")
        return
    for row in frame.itertuples(index=False):
        content.comparison.append(
            [
                str(row.k)
                + (" " + lang.t("table.chosen_mark") if row.is_chosen else ""),
                lang.t(
                    "table.size_range",
                    smallest=lang.number(row.min_cluster_customers),
                    largest=lang.number(row.max_cluster_customers),
                ),
                lang.t(
                    "table.share_range",
                    smallest=lang.percent(row.min_cluster_share),
                    largest=lang.percent(row.max_cluster_share),
                ),
                lang.number(row.silhouette, 3),
                lang.number(row.davies_bouldin, 2),
                lang.number(row.calinski_harabasz, 0),
                lang.number(row.stability_ari, 3),
                lang.number(row.inertia, 0),
            ]
        )


def _budget(data: ReportData, lang: Language, content: ReportContent) -> None:
    frame = data.budget
    if frame is None or frame.empty:
        return
    content.budget_total = lang.number(float(frame["campaign_budget"].iloc[0]), 2)
    plans = (
        ("rfm_segment", "budget.plan_segments", "chart-budget-segments"),
        ("cluster", "budget.plan_clusters", "chart-budget-clusters"),
    )
    for segment_type, title_key, chart_id in plans:
        rows = frame[frame["segment_type"] == segment_type].sort_values(
            ["segment_rank", "segment_name"]
        )
        if rows.empty:
            continue
        table = [
            [
                r.segment_name,
                lang.number(r.customers),
                lang.number(float(r.budget_weight), 1),
                lang.number(float(r.budget), 2),
                lang.percent(r.budget_share),
                lang.number(r.budget_per_customer, 2),
            ]
            for r in rows.itertuples(index=False)
        ]
        title = lang.t(title_key)
        _chart(
            content,
            chart_id,
            lang.t("caption.budget", plan=title),
            figures.budget_bars(
                list(rows["segment_name"]),
                list(rows["budget"].astype(float)),
                title,
                lang,
            ),
        )
        content.budgets.append((title, table, chart_id))


def _quality(data: ReportData, lang: Language, content: ReportContent) -> None:
    meta = data.metadata or {}
    recon = data.reconciliation
    if recon is not None and not recon.empty:
        total = int(recon["order_lines"].sum())
        clean = int(recon.loc[recon["outcome"] == "clean", "order_lines"].sum())
        content.quality += [
            (lang.t("quality.input_lines"), lang.number(total)),
            (
                lang.t("quality.clean_lines"),
                lang.t(
                    "fact.count_and_share",
                    count=lang.number(clean),
                    share=lang.percent(clean / total if total else 0),
                ),
            ),
            (
                lang.t("quality.quarantined_lines"),
                lang.t(
                    "fact.count_and_share",
                    count=lang.number(total - clean),
                    share=lang.percent((total - clean) / total if total else 0),
                ),
            ),
        ]
        for row in recon[recon["outcome"] != "clean"].itertuples(index=False):
            content.quarantine.append(
                [
                    lang.t_or(f"reason.{row.outcome}", row.outcome),
                    row.outcome,
                    lang.number(row.order_lines),
                    lang.percent(row.order_lines / total if total else 0, 2),
                ]
            )
    else:
        content.quality.append((lang.t("quality.input_lines"), lang.t("empty.lines")))
    passed = meta.get("dbt_tests_passed")
    content.quality.append(
        (
            lang.t("quality.tests_passed"),
            lang.t("empty.tests")
            if _missing(passed)
            else lang.t(
                "quality.tests_value",
                passed=lang.number(passed),
                warned=lang.number(meta.get("dbt_tests_warned") or 0),
            ),
        )
    )
    if meta:
        content.build = [
            (lang.t("build.id"), str(meta.get("build_id"))),
            (lang.t("build.published_at"), _timestamp(lang, meta.get("published_at"))),
            (lang.t("build.dbt_version"), str(meta.get("dbt_version") or "")),
            (lang.t("build.file"), str(data.path)),
        ]


def _timestamp(lang: Language, value: object) -> str:
    if _missing(value):
        return lang.t("value.not_available")
    stamp = pd.Timestamp(value).tz_convert("UTC")
    return lang.t(
        "unit.utc_time", date=lang.date(stamp.date()), time=stamp.strftime("%H:%M")
    )
