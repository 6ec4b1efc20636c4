"""The K-means page, in the terms of the table that was clustered (income,
age, spend per product family, channels, ... for a customer table; R, F, M
for orders): the choice of k in one plain sentence, the table of clusters
(each opens to its profile), every feature's mean per cluster, the
standardised profile as a heat map, 3, 4 and 5 clusters side by side, and
the sub-segments of a cluster that was split."""

from __future__ import annotations

import re

import pandas as pd

from segmentation.report import charts
from segmentation.report.charts import Chart
from segmentation.report.content import Cell, Profile, Table
from segmentation.report.context import Context
from segmentation.report.customer_lists import Group
from segmentation.report.data import no_rows
from segmentation.report.i18n import missing
from segmentation.report.labels import cluster_name, feature_label, segment_name
from segmentation.report.profiles import download, playbook, response_kpi
from segmentation.report.seed_texts import PERSONA
from segmentation.report.value import value_facts

MONEY_ROLES = ("monetary", "income")
DAY_ROLES = ("recency", "tenure")


def build_clusters(ctx: Context, groups: dict[str, Group]) -> None:
    profiles = ctx.data.cluster_profiles
    if no_rows(profiles):
        return
    _choice(ctx)
    _table(ctx, profiles)
    features = _features(ctx)
    for row in profiles.itertuples(index=False):
        ctx.content.clusters.append(_profile(ctx, row, features, groups))
    if features is not None:
        _feature_table(ctx, features)
        _feature_heatmap(ctx, features)
        _mix_charts(ctx, features)
    _side_by_side(ctx)
    _sub_clusters(ctx, groups)


def feature_value(ctx: Context, role: object, value: object) -> str:
    """A feature's value in its unit: money, days or a plain number."""
    lang = ctx.lang
    if missing(value):
        return lang.t("value.not_available")
    value = float(value)
    if role in MONEY_ROLES:
        return lang.money(value)
    if role in DAY_ROLES:
        return lang.t("unit.days", value=lang.number(value))
    return lang.number(value, 1 if abs(value) < 100 else 0)


def _choice(ctx: Context) -> None:
    """The choice of k for people, and its rule for the appendix."""
    lang, selection = ctx.lang, ctx.data.cluster_selection
    if no_rows(selection):
        return
    chosen = selection[selection["is_chosen"].astype(bool)]
    if chosen.empty:
        return
    k = int(chosen["k"].iloc[0])
    best = int(selection.loc[selection["silhouette"].idxmax(), "k"])
    key = "clusters.choice_best" if best == k else "clusters.choice_other"
    ctx.content.cluster_choice = lang.t(
        key,
        k=k,
        count=len(selection),
        low=int(selection["k"].min()),
        high=int(selection["k"].max()),
    )
    reason = chosen["chosen_k_reason"].iloc[0]
    if isinstance(reason, str) and reason:
        ctx.content.selection_reason = reason


def _table(ctx: Context, profiles: pd.DataFrame) -> None:
    lang = ctx.lang
    has_response = profiles["response_rate"].notna().any()
    has_segment = profiles["dominant_rfm_segment"].notna().any()
    columns = [
        (lang.t("table.cluster"), False),
        (lang.t("table.customers"), True),
        (lang.t("table.customer_share"), True),
        (lang.money_label("table.revenue"), True),
        (lang.t("table.revenue_share"), True),
    ]
    if has_response:
        columns.append((lang.t("table.response_rate"), True))
    if has_segment:
        columns.append((lang.t("table.dominant_segment"), False))
    rows = []
    for row in profiles.itertuples(index=False):
        cells = [
            Cell(ctx.cluster_titles[int(row.cluster_id)], float(row.cluster_id)),
            Cell(lang.number(row.customers), float(row.customers)),
            Cell(lang.percent(row.customer_share), float(row.customer_share)),
            Cell(lang.money(row.revenue), float(row.revenue or 0)),
            Cell(lang.percent(row.revenue_share), float(row.revenue_share or 0)),
        ]
        if has_response:
            cells.append(
                Cell(lang.percent(row.response_rate), float(row.response_rate or 0))
            )
        if has_segment:
            cells.append(Cell(segment_name(lang, row.dominant_rfm_segment or "")))
        rows.append((cells, f"cluster-{row.cluster_id}"))
    ctx.content.add_table(Table("table-clusters", columns, rows))


def _features(ctx: Context) -> pd.DataFrame | None:
    frame = ctx.data.cluster_features
    if no_rows(frame):
        return None
    return frame.sort_values(["feature_position", "cluster_id"])


def _persona(ctx: Context, name: str) -> dict[str, str]:
    """Persona, strategy and KPIs of a cluster name, in the report's
    language: as published, else from seed cluster_playbook (a sub-cluster's
    name has no published row), by the name or the naming rule it numbers
    ("Gone Quiet 2")."""
    found: dict[str, object] = {}
    personas = ctx.data.personas
    if personas is not None:
        rows = personas[personas["name"] == name]
        if not rows.empty:
            found = rows.iloc[0].to_dict()
    if not any(isinstance(found.get(c), str) and found[c] for c in PERSONA):
        found = _seed_persona(ctx, name) or found
    return {
        column: ctx.lang.seed(*PERSONA[column], found[column])
        for column in PERSONA
        if isinstance(found.get(column), str) and found[column]
    }


def _split_kpis(text: str | None) -> list[str]:
    """The playbook's KPIs, written one after the other with semicolons."""
    if not text:
        return []
    return [part.strip() for part in text.split(";") if part.strip()]


def _persona_fields(ctx: Context, name: str, row) -> dict:
    """The Profile fields a cluster (or sub-cluster) name's persona fills:
    persona, strategy, and the KPIs the profile opens with (the playbook's
    own, then the customers and revenue share of `row`)."""
    lang, persona = ctx.lang, _persona(ctx, name)
    return {
        "persona": persona.get("persona"),
        "strategy": persona.get("strategy"),
        "kpis": [
            *_split_kpis(persona.get("kpis")),
            lang.t("kpi.customers", value=lang.number(row.customers)),
            lang.t("kpi.revenue_share", value=lang.percent(row.revenue_share)),
        ],
    }


def _seed_persona(ctx: Context, name: str) -> dict[str, str] | None:
    rows = ctx.cluster_playbook
    if not rows or not isinstance(name, str):
        return None
    rule = re.sub(r" \d+$", "", name)
    # The rule set whose names cover the published clusters best.
    published = set()
    if ctx.data.cluster_profiles is not None:
        published = set(ctx.data.cluster_profiles["naming_rule"].dropna())
    sets: dict[str, int] = {}
    for row in rows:
        sets.setdefault(row.get("rule_set", ""), 0)
        if row.get("cluster_name") in published:
            sets[row.get("rule_set", "")] += 1
    ranked = sorted(sets, key=lambda s: (-sets[s], s))
    for rule_set in ranked:
        for row in rows:
            if row.get("rule_set", "") == rule_set and row.get("cluster_name") in (
                name,
                rule,
            ):
                return row
    return None


def _profile(ctx: Context, row, features, groups: dict[str, Group]) -> Profile:
    lang = ctx.lang
    title = ctx.cluster_titles[int(row.cluster_id)]
    facts = [
        (
            lang.t("fact.customers"),
            lang.count_and_share(lang.number(row.customers), row.customer_share),
        ),
        (
            lang.t("fact.revenue"),
            lang.count_and_share(lang.money(row.revenue), row.revenue_share),
        ),
    ]
    means = []
    if features is not None:
        mine = features[features["cluster_id"] == row.cluster_id]
        for feature in mine.itertuples(index=False):
            label = feature_label(lang, feature.feature)
            means.append(
                (
                    label[:1].upper() + label[1:],
                    feature_value(ctx, feature.feature_role, feature.mean_value),
                )
            )
    if not missing(row.response_rate):
        facts.append((lang.t("fact.response_rate"), lang.percent(row.response_rate)))
    if isinstance(row.dominant_rfm_segment, str) and row.dominant_rfm_segment:
        facts.append(
            (
                lang.t("fact.dominant_segment"),
                lang.t(
                    "fact.name_and_share",
                    name=segment_name(lang, row.dominant_rfm_segment),
                    share=lang.percent(row.dominant_rfm_segment_share),
                ),
            )
        )
    if row.outliers:
        facts.append((lang.t("fact.outliers"), lang.number(row.outliers)))
    facts += value_facts(ctx, "cluster", row.cluster_name)
    lines, budget_row = playbook(ctx, "cluster", row.cluster_name)
    persona = _persona_fields(ctx, row.cluster_name, row)
    if not missing(row.response_rate):
        persona["kpis"].append(
            lang.t("kpi.past_response_rate", value=lang.percent(row.response_rate))
        )
    else:
        persona["kpis"].append(response_kpi(ctx, budget_row))
    return Profile(
        anchor=f"cluster-{row.cluster_id}",
        kind="cluster",
        title=title,
        facts=facts,
        features=means,
        trend=[lang.t("empty.cluster_history")],
        playbook=lines,
        download=download(ctx, groups, f"cluster:{row.cluster_id}", title),
        chart_id=_profile_chart(ctx, row.cluster_id, title, features),
        **persona,
    )


def _profile_chart(ctx: Context, cluster_id, title, features) -> str | None:
    """The cluster's centroid on the standardised features (screen only)."""
    if features is None:
        return None
    lang = ctx.lang
    mine = features[(features["cluster_id"] == cluster_id)].dropna(
        subset=["centroid_z"]
    )
    if mine.empty:
        return None
    labels = [feature_label(lang, f) for f in mine["feature"]]
    z = mine["centroid_z"].astype(float).tolist()
    texts = [
        lang.t(
            "hover.feature_z",
            feature=label,
            z=lang.number(value, 2),
            mean=feature_value(ctx, role, mean),
        )
        for label, value, role, mean in zip(
            labels, z, mine["feature_role"], mine["mean_value"], strict=True
        )
    ]
    chart_id = f"chart-cluster-profile-{cluster_id}"
    figure = charts.bars(
        labels,
        z,
        [lang.number(v, 2) for v in z],
        texts,
        lang.t("chart.z_axis"),
        lang,
        colour_=charts.CUSTOMER_COLOUR,
        tickformat=".1f",
    )
    figure["data"][0]["marker"]["color"] = [
        charts.CUSTOMER_COLOUR if v >= 0 else charts.REVENUE_COLOUR for v in z
    ]
    low, high = min([*z, 0.0]), max([*z, 0.0])
    pad = 0.25 * max(high - low, 0.5)
    figure["layout"]["xaxis"]["range"] = [low - pad, high + pad]
    ctx.content.add_chart(
        Chart(
            chart_id,
            lang.t("chart.cluster_profile_title", name=title),
            "",
            figure,
            screen_only=True,
        )
    )
    return chart_id


def _feature_table(ctx: Context, features: pd.DataFrame) -> None:
    lang = ctx.lang
    ids = sorted(features["cluster_id"].unique())
    columns = [(lang.t("table.feature"), False)] + [
        (ctx.cluster_titles.get(int(i), str(i)), True) for i in ids
    ]
    rows = []
    for _, group in features.groupby("feature_position", sort=True):
        first = group.iloc[0]
        cells = [
            Cell(
                feature_label(lang, first["feature"]),
                float(first["feature_position"]),
            )
        ]
        for cluster_id in ids:
            value = group.loc[group["cluster_id"] == cluster_id, "mean_value"]
            mean = value.iloc[0] if len(value) else None
            cells.append(
                Cell(
                    feature_value(ctx, first["feature_role"], mean),
                    None if missing(mean) else float(mean),
                )
            )
        rows.append((cells, None))
    profiles = ctx.data.cluster_profiles
    if profiles["response_rate"].notna().any():
        rates = dict(
            zip(profiles["cluster_id"], profiles["response_rate"], strict=True)
        )
        rows.append(
            (
                [Cell(lang.t("fact.response_rate"), float(len(rows) + 1))]
                + [
                    Cell(lang.percent(rates.get(i)), float(rates.get(i) or 0))
                    for i in ids
                ],
                None,
            )
        )
    ctx.content.add_table(Table("table-cluster-features", columns, rows))


def _feature_heatmap(ctx: Context, features: pd.DataFrame) -> None:
    lang = ctx.lang
    used = features.dropna(subset=["centroid_z"])
    if used.empty:
        return
    ids = sorted(used["cluster_id"].unique())
    order = list(dict.fromkeys(used.sort_values("feature_position")["feature"]))
    z, text, hovers = [], [], []
    for feature in reversed(order):  # the first feature on top
        rows = used[used["feature"] == feature].set_index("cluster_id")
        label = feature_label(lang, feature)
        z.append([float(rows.loc[i, "centroid_z"]) for i in ids])
        text.append(
            [
                feature_value(
                    ctx, rows.loc[i, "feature_role"], rows.loc[i, "mean_value"]
                )
                for i in ids
            ]
        )
        hovers.append(
            [
                lang.t(
                    "hover.feature_cell",
                    cluster=ctx.cluster_titles.get(int(i), str(i)),
                    feature=label,
                    mean=feature_value(
                        ctx, rows.loc[i, "feature_role"], rows.loc[i, "mean_value"]
                    ),
                    z=lang.number(float(rows.loc[i, "centroid_z"]), 2),
                )
                for i in ids
            ]
        )
    limit = max(1.0, max(abs(v) for row in z for v in row))
    figure = charts.heatmap(
        z,
        [ctx.cluster_titles.get(int(i), str(i)) for i in ids],
        [feature_label(lang, f) for f in reversed(order)],
        text,
        hovers,
        "",
        "",
        lang,
        colorscale=charts.DIVERGING,
        zmid=0,
        height=80 + 26 * len(order),
    )
    trace = figure["data"][0]
    trace["zmin"], trace["zmax"] = -limit, limit
    figure["layout"]["xaxis"]["side"] = "top"
    figure["layout"]["margin"]["t"] = 40
    ctx.content.add_chart(Chart.named(lang, "cluster_features", figure))


def _mix_charts(ctx: Context, features: pd.DataFrame) -> None:
    """For each role several features share (spend per product family,
    purchases per channel): the mean of each feature per cluster, grouped."""
    lang = ctx.lang
    roles = (
        features.drop_duplicates("feature")
        .dropna(subset=["feature_role"])
        .groupby("feature_role", sort=False)["feature"]
        .apply(list)
    )
    ids = sorted(features["cluster_id"].unique())
    for role, names in roles.items():
        if len(names) < 3:
            continue
        data = []
        for index, cluster_id in enumerate(ids):
            rows = features[features["cluster_id"] == cluster_id].set_index("feature")
            values = [float(rows.loc[n, "mean_value"]) for n in names]
            title = ctx.cluster_titles.get(int(cluster_id), str(cluster_id))
            texts = [
                lang.t(
                    "hover.mix",
                    cluster=title,
                    feature=feature_label(lang, n),
                    value=feature_value(ctx, role, v),
                )
                for n, v in zip(names, values, strict=True)
            ]
            data.append(
                {
                    "type": "bar",
                    "x": [feature_label(lang, n) for n in names],
                    "y": values,
                    "name": title,
                    "marker": {"color": charts.colour(charts.CLUSTER_COLOURS, index)},
                    **charts.hover(texts),
                }
            )
        y_title = (
            lang.money_label("chart.mean_per_customer")
            if role in MONEY_ROLES
            else lang.t("chart.mean_per_customer")
        )
        figure = {
            "data": data,
            "layout": charts.layout(
                lang,
                height=330,
                barmode="group",
                showlegend=True,
                margin={"l": 70, "r": 10, "t": 40, "b": 40},
                xaxis=charts.axis("", type="category"),
                yaxis=charts.axis(y_title),
            ),
        }
        ctx.content.add_chart(
            Chart(
                f"chart-cluster-mix-{role}",
                lang.t_or(f"chart.mix_title.{role}", lang.t("chart.mix_title")),
                lang.t("caption.mix"),
                figure,
            )
        )


def _side_by_side(ctx: Context) -> None:
    """3, 4 and 5 clusters compared in plain words (the indices are in the
    appendix), and the clusters each k finds when the file has them."""
    lang, frame = ctx.lang, ctx.data.cluster_comparison
    if no_rows(frame):
        ctx.content.notes["comparison"] = lang.t("empty.comparison")
        return
    ks = [int(k) for k in frame["k"]]
    columns = [(lang.t("table.measure"), False)] + [
        (
            lang.t("table.k_column", k=k)
            + (" " + lang.t("table.chosen_mark") if chosen else ""),
            False,
        )
        for k, chosen in zip(ks, frame["is_chosen"].astype(bool), strict=True)
    ]
    measures = [
        (
            "comparison.smallest",
            lambda r: lang.count_and_share(
                lang.number(r.min_cluster_customers), r.min_cluster_share
            ),
        ),
        (
            "comparison.largest",
            lambda r: lang.count_and_share(
                lang.number(r.max_cluster_customers), r.max_cluster_share
            ),
        ),
        ("comparison.separation", lambda r: _separation(lang, r.silhouette)),
        ("comparison.stability", lambda r: _stability(lang, r.stability_ari)),
    ]
    rows = [
        ([Cell(lang.t(key))] + [Cell(make(r)) for r in frame.itertuples()], None)
        for key, make in measures
    ]
    by_k = ctx.data.clusters_by_k
    if by_k is not None and not by_k.empty:
        most = int(by_k.groupby("k")["cluster_id"].count().max())
        for position in range(most):
            cells = [Cell(lang.t("comparison.cluster_n", n=position + 1))]
            for k in ks:
                rows_k = by_k[by_k["k"] == k].sort_values("cluster_id")
                if position < len(rows_k):
                    r = rows_k.iloc[position]
                    total = rows_k["customers"].sum()
                    cells.append(
                        Cell(
                            lang.t(
                                "comparison.cluster_cell",
                                name=cluster_name(lang, r["cluster_name"]),
                                customers=lang.number(r["customers"]),
                                share=lang.percent(r["customers"] / total),
                            )
                        )
                    )
                else:
                    cells.append(Cell(""))
            rows.append((cells, None))
    ctx.content.add_table(Table("table-k-comparison", columns, rows, filterable=False))


def _separation(lang, silhouette: float) -> str:
    return _graded(
        lang,
        silhouette,
        ((0.5, "comparison.grade_clear"), (0.25, "comparison.grade_fair")),
        "comparison.grade_weak",
    )


def _stability(lang, ari: float) -> str:
    return _graded(
        lang,
        ari,
        ((0.9, "comparison.grade_stable"), (0.75, "comparison.grade_mostly_stable")),
        "comparison.grade_unstable",
    )


def _graded(
    lang, value: float, grades: tuple[tuple[float, str], ...], below: str
) -> str:
    """The grade of the first (floor, grade) that `value` reaches, else
    `below`, with the value to two decimals."""
    grade = next((key for floor, key in grades if value >= floor), below)
    return lang.t(
        "comparison.with_figure", grade=lang.t(grade), figure=lang.number(value, 2)
    )


def _sub_clusters(ctx: Context, groups: dict[str, Group]) -> None:
    lang, subs = ctx.lang, ctx.data.sub_clusters
    if no_rows(subs):
        return
    for row in subs.itertuples(index=False):
        parent = ctx.cluster_titles.get(int(row.cluster_id), str(row.cluster_id))
        name = cluster_name(lang, row.sub_cluster_name)
        title = lang.t(
            "subcluster.title",
            id=int(row.cluster_id),
            sub=int(row.sub_cluster_id),
            name=name,
        )
        facts = [
            (lang.t("fact.parent_cluster"), parent),
            (
                lang.t("fact.customers"),
                lang.t(
                    "subcluster.size",
                    count=lang.number(row.customers),
                    in_cluster=lang.percent(row.share_in_cluster),
                    overall=lang.percent(row.customer_share),
                ),
            ),
            (
                lang.t("fact.revenue"),
                lang.count_and_share(lang.money(row.revenue), row.revenue_share),
            ),
        ]
        for column, key, unit in (
            ("mean_recency_days", "fact.recency", "days"),
            ("mean_frequency", "fact.orders_per_customer", "number"),
            ("mean_order_value", "fact.mean_order_value", "money"),
        ):
            value = getattr(row, column, None)
            if missing(value):
                continue
            shown = (
                lang.t("unit.days", value=lang.number(value))
                if unit == "days"
                else lang.money(value, 2)
                if unit == "money"
                else lang.number(value, 1)
            )
            facts.append((lang.t(key), shown))
        key = f"sub_cluster:{int(row.cluster_id)}.{int(row.sub_cluster_id)}"
        ctx.content.sub_clusters.append(
            Profile(
                anchor=f"subcluster-{row.cluster_id}-{row.sub_cluster_id}",
                kind="sub_cluster",
                title=title,
                facts=facts,
                download=download(ctx, groups, key, f"{parent} {name}"),
                **_persona_fields(ctx, row.sub_cluster_name, row),
            )
        )
    if not any(p.persona for p in ctx.content.sub_clusters):
        ctx.content.notes["personas"] = lang.t("empty.personas")
