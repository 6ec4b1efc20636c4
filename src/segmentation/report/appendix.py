"""The appendix: the K-means technical figures (silhouette, Davies-Bouldin,
Calinski-Harabasz, stability ARI, inertia, the selection rule), the elbow
and silhouette charts, the principal-component view, data quality and
the build."""

from __future__ import annotations

import numpy as np
import pandas as pd

from segmentation.clustering.features import apply_transform
from segmentation.report import charts
from segmentation.report.charts import Chart
from segmentation.report.content import Cell, Table
from segmentation.report.context import Context
from segmentation.report.data import no_rows
from segmentation.report.i18n import missing

SCATTER_SAMPLE = 2000  # points drawn in the projection; more add no insight


def build_appendix(ctx: Context) -> None:
    _selection(ctx)
    _projection(ctx)
    _quality(ctx)


def _selection(ctx: Context) -> None:
    lang, selection = ctx.lang, ctx.data.cluster_selection
    if no_rows(selection):
        return
    columns = [
        (lang.t("table.k"), True),
        (lang.t("table.silhouette"), True),
        (lang.t("table.davies_bouldin"), True),
        (lang.t("table.calinski_harabasz"), True),
        (lang.t("table.stability"), True),
        (lang.t("table.inertia"), True),
        (lang.t("table.cluster_shares"), False),
    ]
    rows = []
    for row in selection.itertuples(index=False):
        rows.append(
            (
                [
                    Cell(
                        str(row.k)
                        + (" " + lang.t("table.chosen_mark") if row.is_chosen else ""),
                        float(row.k),
                    ),
                    Cell(lang.number(row.silhouette, 3), float(row.silhouette)),
                    Cell(lang.number(row.davies_bouldin, 2), float(row.davies_bouldin)),
                    Cell(
                        lang.number(row.calinski_harabasz, 0),
                        float(row.calinski_harabasz),
                    ),
                    Cell(lang.number(row.stability_ari, 3), float(row.stability_ari)),
                    Cell(lang.number(row.inertia, 0), float(row.inertia)),
                    Cell(
                        lang.t(
                            "table.share_range",
                            smallest=lang.percent(row.min_cluster_share),
                            largest=lang.percent(row.max_cluster_share),
                        )
                    ),
                ],
                None,
            )
        )
    ctx.content.add_table(Table("table-k-selection", columns, rows, filterable=False))
    chosen = selection.loc[selection["is_chosen"].astype(bool), "k"].tolist()
    data = []
    for column, axis_name, colour in (
        ("inertia", "y", charts.CUSTOMER_COLOUR),
        ("silhouette", "y2", charts.REVENUE_COLOUR),
    ):
        texts = [
            lang.t(
                f"hover.{column}",
                k=int(k),
                value=lang.number(v, 3 if column == "silhouette" else 0),
            )
            for k, v in zip(selection["k"], selection[column], strict=True)
        ]
        data.append(
            {
                "type": "scatter",
                "mode": "lines+markers",
                "x": selection["k"].astype(int).tolist(),
                "y": selection[column].astype(float).tolist(),
                "name": lang.t(f"chart.{column}_axis"),
                "xaxis": "x" if axis_name == "y" else "x2",
                "yaxis": axis_name,
                "line": {"color": colour},
                **charts.hover(texts),
            }
        )
        for k in chosen:
            value = float(selection.loc[selection["k"] == k, column].iloc[0])
            data.append(
                {
                    "type": "scatter",
                    "mode": "markers",
                    "x": [int(k)],
                    "y": [value],
                    "xaxis": "x" if axis_name == "y" else "x2",
                    "yaxis": axis_name,
                    "marker": {
                        "size": 16,
                        "color": "rgba(0,0,0,0)",
                        "line": {"color": "#b23a48", "width": 2},
                    },
                    "name": lang.t("chart.chosen_k", k=int(k)),
                    "hoverinfo": "skip",
                }
            )
    figure = {
        "data": data,
        "layout": charts.layout(
            lang,
            height=300,
            margin={"l": 70, "r": 10, "t": 30, "b": 40},
            xaxis=charts.axis(lang.t("chart.k_axis"), domain=[0, 0.44], dtick=1),
            xaxis2=charts.axis(
                lang.t("chart.k_axis"), domain=[0.56, 1], dtick=1, anchor="y2"
            ),
            yaxis=charts.axis(lang.t("chart.inertia_axis"), tickformat="~s"),
            yaxis2=charts.axis(
                lang.t("chart.silhouette_axis"), anchor="x2", tickformat=".2f"
            ),
            annotations=[
                charts.panel_title(lang.t("chart.elbow_title"), 0, color=None),
                charts.panel_title(lang.t("chart.silhouette_title"), 0.56, color=None),
            ],
        ),
    }
    ctx.content.add_chart(Chart.named(lang, "k_selection", figure))


def principal_components(
    points: pd.DataFrame, transforms: dict[str, str]
) -> tuple[np.ndarray, np.ndarray]:
    """Customers' features, transformed as for the clustering and
    standardised over all customers, projected on the first two principal
    components. Returns (n x 2 coordinates, explained variance ratios)."""
    columns = list(transforms)
    raw = points[columns].to_numpy(dtype=float)
    transformed = np.column_stack(
        [apply_transform(raw[:, i], transforms[c]) for i, c in enumerate(columns)]
    )
    scale = transformed.std(axis=0)
    scale[scale == 0] = 1.0
    z = (transformed - transformed.mean(axis=0)) / scale
    _, singular, vt = np.linalg.svd(z, full_matrices=False)
    explained = singular**2 / np.sum(singular**2)
    # A fixed sign per axis, so the picture does not flip between runs.
    signs = np.sign(vt[:2, np.argmax(np.abs(vt[:2]), axis=1)].diagonal())
    signs[signs == 0] = 1.0
    return z @ vt[:2].T * signs, explained[:2]


def _projection(ctx: Context) -> None:
    lang, data = ctx.lang, ctx.data
    points, features = data.cluster_points, data.cluster_features
    if points is None or features is None:
        ctx.content.notes["projection"] = lang.t("empty.projection")
        return
    used = features.drop_duplicates("feature")
    used = used[used["is_clustered_on"].astype(bool)]
    transforms = dict(zip(used["feature"], used["feature_transform"], strict=True))
    coordinates, explained = principal_components(points, transforms)
    rng = np.random.default_rng(ctx.seed)
    shown = np.arange(len(points))
    if len(shown) > SCATTER_SAMPLE:
        shown = np.sort(rng.choice(shown, SCATTER_SAMPLE, replace=False))
    clusters = points["cluster_id"].to_numpy()
    traces = []
    for index, cluster_id in enumerate(sorted(ctx.cluster_titles)):
        mask = clusters[shown] == cluster_id
        title = ctx.cluster_titles[cluster_id]
        traces.append(
            {
                "type": "scatter",
                "mode": "markers",
                "x": np.round(coordinates[shown][mask, 0], 3).tolist(),
                "y": np.round(coordinates[shown][mask, 1], 3).tolist(),
                "name": title,
                "marker": {
                    "size": 4,
                    "opacity": 0.6,
                    "color": charts.colour(charts.CLUSTER_COLOURS, index),
                },
                "hoverinfo": "name",
            }
        )
    figure = {
        "data": traces,
        "layout": charts.layout(
            lang,
            height=380,
            showlegend=True,
            margin={"l": 70, "r": 10, "t": 30, "b": 40},
            xaxis=charts.axis(
                lang.t("chart.pc_axis", n=1, share=lang.percent(explained[0]))
            ),
            yaxis=charts.axis(
                lang.t("chart.pc_axis", n=2, share=lang.percent(explained[1]))
            ),
        ),
    }
    ctx.content.add_chart(
        Chart(
            "chart-cluster-projection",
            lang.t("chart.projection_title"),
            lang.t(
                "caption.projection",
                features=", ".join(transforms),
                shown=lang.number(len(shown)),
                customers=lang.number(len(points)),
            ),
            figure,
        )
    )


def _quality(ctx: Context) -> None:
    lang, data = ctx.lang, ctx.data
    meta = data.metadata or {}
    recon = data.reconciliation
    quality: list[tuple[str, str]] = []
    if recon is not None and not recon.empty:
        total = int(recon["order_lines"].sum())
        clean = int(recon.loc[recon["outcome"] == "clean", "order_lines"].sum())
        quality += [
            (lang.t("quality.input_lines"), lang.number(total)),
            (
                lang.t("quality.clean_lines"),
                lang.count_and_share(lang.number(clean), clean / total if total else 0),
            ),
            (
                lang.t("quality.quarantined_lines"),
                lang.count_and_share(
                    lang.number(total - clean), (total - clean) / total if total else 0
                ),
            ),
        ]
        rows = [
            (
                [
                    Cell(lang.t_or(f"reason.{row.outcome}", row.outcome)),
                    Cell(row.outcome),
                    Cell(lang.number(row.order_lines), float(row.order_lines)),
                    Cell(
                        lang.percent(row.order_lines / total if total else 0, 2),
                        float(row.order_lines),
                    ),
                ],
                None,
            )
            for row in recon[recon["outcome"] != "clean"].itertuples(index=False)
        ]
        if rows:
            ctx.content.add_table(
                Table(
                    "table-quarantine",
                    [
                        (lang.t("table.reason"), False),
                        (lang.t("table.code"), False),
                        (lang.t("table.lines"), True),
                        (lang.t("table.line_share"), True),
                    ],
                    rows,
                    filterable=False,
                )
            )
    else:
        quality.append((lang.t("quality.input_lines"), lang.t("empty.lines")))
    passed = meta.get("dbt_tests_passed")
    quality.append(
        (
            lang.t("quality.tests_passed"),
            lang.t("empty.tests")
            if missing(passed)
            else lang.t(
                "quality.tests_value",
                passed=lang.number(passed),
                warned=lang.number(meta.get("dbt_tests_warned") or 0),
            ),
        )
    )
    ctx.content.facts["quality"] = quality
    if meta:
        ctx.content.facts["build"] = [
            (lang.t("build.id"), str(meta.get("build_id"))),
            (lang.t("build.published_at"), _timestamp(lang, meta.get("published_at"))),
            (lang.t("build.dbt_version"), str(meta.get("dbt_version") or "")),
            (lang.t("build.file"), str(data.path)),
        ]
    else:
        ctx.content.facts["build"] = [
            (lang.t("build.file"), str(data.path)),
            (lang.t("build.unpublished"), lang.t("build.unpublished_value")),
        ]


def _timestamp(lang, value: object) -> str:
    if missing(value):
        return lang.t("value.not_available")
    stamp = pd.Timestamp(value).tz_convert("UTC")
    return lang.t(
        "unit.utc_time", date=lang.date(stamp.date()), time=stamp.strftime("%H:%M")
    )
