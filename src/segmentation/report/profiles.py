"""Parts shared by every profile: the playbook rows of segment_budget, the
response-rate KPI, and the customer list a profile downloads."""

from __future__ import annotations

import pandas as pd

from segmentation.report.content import Download
from segmentation.report.context import Context
from segmentation.report.customer_lists import Group
from segmentation.report.i18n import missing
from segmentation.report.labels import slug
from segmentation.report.seed_texts import PLAYBOOK


def playbook(
    ctx: Context, segment_type: str, name: str
) -> tuple[list[tuple[str, str]], pd.Series | None]:
    """The playbook of one segment (or cluster) and its budget row."""
    lang, budget = ctx.lang, ctx.data.budget
    if budget is None:
        return [(lang.t("playbook.title"), lang.t("empty.budget"))], None
    rows = budget[
        (budget["segment_type"] == segment_type) & (budget["segment_name"] == name)
    ]
    if rows.empty:
        return [(lang.t("playbook.title"), lang.t("empty.playbook_row"))], None
    row = rows.iloc[0]
    lines = [
        (lang.t(f"playbook.{column}"), lang.seed(*PLAYBOOK[column], row[column]))
        for column in ("message", "offer", "channels", "cadence")
    ]
    lines.append(
        (
            lang.t("playbook.budget"),
            lang.t(
                "playbook.budget_value",
                budget=lang.money(float(row["budget"])),
                per_customer=lang.money(row["budget_per_customer"], 2),
            ),
        )
    )
    return lines, row


def response_kpi(ctx: Context, row: pd.Series | None) -> str:
    lang = ctx.lang
    if row is None or missing(row.get("response_rate")):
        return lang.t("kpi.response_rate_unmeasured")
    return lang.t(
        "kpi.response_rate",
        value=lang.percent(row["response_rate"]),
        lower=lang.percent(row["response_rate_lower"]),
        upper=lang.percent(row["response_rate_upper"]),
    )


def download(
    ctx: Context, groups: dict[str, Group], key: str, name: str
) -> Download | None:
    """The download of group `key`, or None when nobody is in it."""
    lang = ctx.lang
    group = groups.get(key)
    if group is None or group.total == 0:
        return None
    date = ctx.data.as_of_date.isoformat() if ctx.data.as_of_date else "latest"
    if group.listed < group.total:
        note = lang.t(
            "download.note_top",
            listed=lang.number(group.listed),
            total=lang.number(group.total),
        )
    else:
        note = lang.t("download.note_all", total=lang.number(group.total))
    return Download(
        group=key,
        filename=f"{slug(name)}-{date}.csv",
        label=lang.t("download.button"),
        note=note,
    )
