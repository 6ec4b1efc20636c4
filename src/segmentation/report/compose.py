"""The whole report's content from the published data, page by page."""

from __future__ import annotations

from segmentation.report.appendix import build_appendix
from segmentation.report.budget import build_budget
from segmentation.report.clusters import build_clusters
from segmentation.report.content import Page, ReportContent
from segmentation.report.context import Context
from segmentation.report.customer_lists import DEFAULT_LIMIT, customer_lists
from segmentation.report.data import ReportData
from segmentation.report.i18n import Language
from segmentation.report.labels import cluster_name, segment_name
from segmentation.report.movement import build_movement
from segmentation.report.overview import build_overview
from segmentation.report.segments import build_segments
from segmentation.report.value import build_value

# Words the page's script shows, by key of translations.csv.
SCRIPT_TEXTS = (
    "rows_shown",
    "filter_placeholder",
    "sort_hint",
    "download_done",
    "close",
    "sankey_same_date",
    "sankey_no_flows",
)


def build_content(
    data: ReportData,
    lang: Language,
    seed: int = 42,
    list_limit: int = DEFAULT_LIMIT,
    cluster_playbook: list[dict[str, str]] | None = None,
) -> ReportContent:
    """Format every page of the report from `data` in `lang`."""
    ctx = Context.create(data, lang, seed, list_limit, cluster_playbook)
    content = ctx.content
    content.title = lang.t("report.title")
    groups = _customer_lists(ctx)
    build_overview(ctx)
    build_segments(ctx, groups)
    build_movement(ctx)
    build_clusters(ctx, groups)
    build_value(ctx)
    build_budget(ctx)
    build_appendix(ctx)
    content.pages = _pages(ctx)
    content.texts.update({key: lang.t(f"script.{key}") for key in SCRIPT_TEXTS})
    return content


def _customer_lists(ctx: Context) -> dict:
    data, lang = ctx.data, ctx.lang
    rows = data.customer_rows
    if rows is None:
        return {}
    rows = rows.copy()
    if {"cluster_id", "sub_cluster_id"} <= set(rows.columns):
        has_sub = rows["sub_cluster_id"].notna()
        rows["sub_cluster_key"] = None
        rows.loc[has_sub, "sub_cluster_key"] = (
            rows.loc[has_sub, "cluster_id"].astype(int).astype(str)
            + "."
            + rows.loc[has_sub, "sub_cluster_id"].astype(int).astype(str)
        )
    if data.value is not None:
        rows = data.value.join_predictions(rows)
    names = {}
    if "segment_name" in rows:
        names["segment_name"] = {
            n: segment_name(lang, n) for n in rows["segment_name"].dropna().unique()
        }
    for column in ("cluster_name", "sub_cluster_name"):
        if column in rows:
            names[column] = {
                n: cluster_name(lang, n) for n in rows[column].dropna().unique()
            }
    table, groups = customer_lists(
        rows,
        data.customer_features,
        {
            "segment": "segment_name",
            "cluster": "cluster_id",
            "sub_cluster": "sub_cluster_key",
        },
        names,
        ctx.list_limit,
    )
    ctx.content.customer_table = table
    return groups


def _pages(ctx: Context) -> list[Page]:
    content, lang = ctx.content, ctx.lang
    pages = [Page("overview", lang.t("page.overview"))]
    if content.segments:
        pages.append(Page("segments", lang.t("page.segments")))
    if ctx.data.history is not None:
        pages.append(Page("movement", lang.t("page.movement")))
    if content.clusters:
        pages.append(Page("clusters", lang.t("page.clusters")))
    if ctx.data.value is not None:
        pages.append(Page("value", lang.t("page.value")))
    if any(t.startswith("table-budget-") for t in content.tables):
        pages.append(Page("budget", lang.t("page.budget")))
    pages.append(Page("appendix", lang.t("page.appendix")))
    return pages
