"""The report's charts, drawn with matplotlib as SVG.

Text is drawn as paths (`svg.fonttype: path`), so a chart needs no font
file and looks the same on every machine and in print. Every label comes
from the language's translation table, every tick in its number format.
Dense scatter points are rasterised inside the SVG (at print resolution)
to keep the file small; axes and text stay vector.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.colors import LinearSegmentedColormap  # noqa: E402
from matplotlib.ticker import FuncFormatter, MaxNLocator  # noqa: E402

from segmentation.clustering.features import apply_transform  # noqa: E402
from segmentation.report.i18n import Language  # noqa: E402

CUSTOMER_COLOUR = "#4c72b0"
REVENUE_COLOUR = "#dd8452"
BUDGET_COLOUR = "#55a868"
HEAT_COLOURS = LinearSegmentedColormap.from_list("heat", ["#f7fbff", "#08306b"])
CLUSTER_COLOURS = (
    "#4c72b0",
    "#dd8452",
    "#55a868",
    "#c44e52",
    "#8172b3",
    "#937860",
    "#da8bc3",
    "#8c8c8c",
    "#ccb974",
    "#64b5cd",
)
STYLE = {
    "svg.fonttype": "path",
    "svg.hashsalt": "segment-report",
    "font.family": "DejaVu Sans",
    "font.size": 9,
    "axes.titlesize": 10,
    "axes.titleweight": "bold",
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": False,
    "figure.dpi": 100,
    "savefig.dpi": 200,
}
SCATTER_SAMPLE = 4000  # points drawn in the projection; the rest add no insight


def to_svg(fig: plt.Figure, name: str) -> str:
    """The figure as SVG text, with ids salted by `name` so several charts
    can sit in one page, and without a date, so equal data gives equal
    bytes."""
    buffer = io.StringIO()
    with plt.rc_context({"svg.hashsalt": name}):
        fig.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None})
    plt.close(fig)
    return buffer.getvalue()


def _percent_axis(axis, lang: Language, decimals: int = 0) -> None:
    axis.set_major_formatter(FuncFormatter(lambda v, _: lang.percent(v, decimals)))


def _number_axis(axis, lang: Language) -> None:
    axis.set_major_formatter(FuncFormatter(lambda v, _: lang.number(v)))


def share_bars(
    names: Sequence[str],
    customer_shares: Sequence[float],
    revenue_shares: Sequence[float],
    title: str,
    lang: Language,
) -> str:
    """Share of customers and of revenue per segment, side by side."""
    with plt.rc_context(STYLE):
        height = 0.8 + 0.26 * len(names)
        fig, ax = plt.subplots(figsize=(7.2, max(2.4, height)))
        y = np.arange(len(names))
        bar = 0.38
        ax.barh(
            y - bar / 2,
            customer_shares,
            bar,
            color=CUSTOMER_COLOUR,
            label=lang.t("chart.share_of_customers"),
        )
        ax.barh(
            y + bar / 2,
            revenue_shares,
            bar,
            color=REVENUE_COLOUR,
            label=lang.t("chart.share_of_revenue"),
        )
        top = max([*customer_shares, *revenue_shares, 0.01])
        for offset, values in ((-bar / 2, customer_shares), (bar / 2, revenue_shares)):
            for position, value in zip(y, values, strict=True):
                ax.text(
                    value + top * 0.01,
                    position + offset,
                    lang.percent(value),
                    va="center",
                    fontsize=7.5,
                )
        ax.set_yticks(y, names)
        ax.invert_yaxis()
        ax.set_xlim(min(0, *revenue_shares) * 1.1, top * 1.15)
        _percent_axis(ax.xaxis, lang)
        ax.set_xlabel(lang.t("chart.share_axis"))
        ax.set_title(title, loc="left")
        ax.legend(loc="lower right", frameon=False)
        return to_svg(fig, title)


def rf_heatmap(rf_counts: pd.DataFrame, lang: Language) -> str:
    """Customers per recency score (rows, 5 on top) and frequency score."""
    grid = rf_counts.pivot_table(
        index="r_score", columns="f_score", values="customers", aggfunc="sum"
    )
    scores = range(1, int(max(grid.index.max(), grid.columns.max(), 5)) + 1)
    grid = grid.reindex(index=list(scores)[::-1], columns=list(scores)).fillna(0)
    with plt.rc_context(STYLE):
        fig, ax = plt.subplots(figsize=(5.6, 4.4))
        image = ax.imshow(grid.to_numpy(), cmap=HEAT_COLOURS, aspect="auto")
        top = grid.to_numpy().max() or 1
        for i, r in enumerate(grid.index):
            for j, f in enumerate(grid.columns):
                value = grid.loc[r, f]
                ax.text(
                    j,
                    i,
                    lang.number(value),
                    ha="center",
                    va="center",
                    color="white" if value > top * 0.55 else "black",
                    fontsize=8,
                )
        ax.set_xticks(range(len(grid.columns)), [str(c) for c in grid.columns])
        ax.set_yticks(range(len(grid.index)), [str(r) for r in grid.index])
        ax.set_xlabel(lang.t("chart.f_score_axis"))
        ax.set_ylabel(lang.t("chart.r_score_axis"))
        ax.set_title(lang.t("chart.rf_heatmap_title"), loc="left")
        bar = fig.colorbar(image, ax=ax, shrink=0.85)
        bar.set_label(lang.t("chart.customers_unit"))
        _number_axis(bar.ax.yaxis, lang)
        return to_svg(fig, "rf_heatmap")


def k_selection(selection: pd.DataFrame, lang: Language) -> str:
    """Elbow (inertia) and silhouette over k, the chosen k marked."""
    chosen = selection.loc[selection["is_chosen"].astype(bool), "k"]
    with plt.rc_context(STYLE):
        fig, (left, right) = plt.subplots(1, 2, figsize=(7.2, 3.0))
        for ax, column, key in (
            (left, "inertia", "chart.elbow_title"),
            (right, "silhouette", "chart.silhouette_title"),
        ):
            ax.plot(
                selection["k"], selection[column], marker="o", color=CUSTOMER_COLOUR
            )
            for k in chosen:
                value = selection.loc[selection["k"] == k, column].iloc[0]
                ax.plot(
                    [k],
                    [value],
                    marker="o",
                    markersize=11,
                    fillstyle="none",
                    color="#c44e52",
                    linestyle="none",
                    label=lang.t("chart.chosen_k", k=int(k)),
                )
            ax.set_xlabel(lang.t("chart.k_axis"))
            ax.xaxis.set_major_locator(MaxNLocator(integer=True))
            ax.set_title(lang.t(key), loc="left")
            ax.legend(frameon=False)
        left.set_ylabel(lang.t("chart.inertia_axis"))
        _number_axis(left.yaxis, lang)
        right.set_ylabel(lang.t("chart.silhouette_axis"))
        right.yaxis.set_major_formatter(FuncFormatter(lambda v, _: lang.number(v, 2)))
        fig.tight_layout()
        return to_svg(fig, "k_selection")


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


def cluster_projection(
    points: pd.DataFrame,
    transforms: dict[str, str],
    names: dict[int, str],
    seed: int,
    lang: Language,
) -> str:
    """Customers on the first two principal components, coloured by cluster."""
    coordinates, explained = principal_components(points, transforms)
    rng = np.random.default_rng(seed)
    shown = np.arange(len(points))
    if len(shown) > SCATTER_SAMPLE:
        shown = np.sort(rng.choice(shown, SCATTER_SAMPLE, replace=False))
    clusters = points["cluster_id"].to_numpy()
    with plt.rc_context(STYLE):
        fig, ax = plt.subplots(figsize=(7.2, 4.6))
        for index, (cluster_id, name) in enumerate(sorted(names.items())):
            mask = clusters[shown] == cluster_id
            ax.scatter(
                coordinates[shown][mask, 0],
                coordinates[shown][mask, 1],
                s=5,
                alpha=0.55,
                linewidths=0,
                rasterized=True,
                color=CLUSTER_COLOURS[index % len(CLUSTER_COLOURS)],
                label=f"{cluster_id}. {name}",
            )
        for axis_number, (axis, share) in enumerate(
            ((ax.set_xlabel, explained[0]), (ax.set_ylabel, explained[1])), start=1
        ):
            axis(lang.t("chart.pc_axis", n=axis_number, share=lang.percent(share)))
        ax.set_title(lang.t("chart.projection_title"), loc="left")
        legend = ax.legend(
            frameon=False, markerscale=3, loc="upper left", bbox_to_anchor=(1.01, 1)
        )
        for handle in legend.legend_handles:
            handle.set_alpha(1)
        return to_svg(fig, "cluster_projection")


def transition_matrix(
    transitions: pd.DataFrame, order: Sequence[str], lang: Language
) -> str:
    """Customers from each segment (rows, earlier date) to each segment
    (columns, later date)."""
    known = [s for s in order]
    extra_from = sorted(set(transitions["from_segment_name"]) - set(known))
    extra_to = sorted(set(transitions["to_segment_name"]) - set(known))
    grid = (
        transitions.pivot_table(
            index="from_segment_name",
            columns="to_segment_name",
            values="customers",
            aggfunc="sum",
        )
        .reindex(index=extra_from + known, columns=known + extra_to)
        .fillna(0)
    )
    grid = grid.loc[grid.sum(axis=1) > 0, grid.sum(axis=0) > 0]
    values = grid.to_numpy()
    with plt.rc_context(STYLE):
        size = 1.2 + 0.42 * max(values.shape)
        fig, ax = plt.subplots(figsize=(min(7.2, size + 1.2), min(6.2, size)))
        shown = np.log1p(values)
        ax.imshow(shown, cmap=HEAT_COLOURS, aspect="auto")
        top = shown.max() or 1
        for i in range(values.shape[0]):
            for j in range(values.shape[1]):
                if values[i, j]:
                    ax.text(
                        j,
                        i,
                        lang.number(values[i, j]),
                        ha="center",
                        va="center",
                        fontsize=8,
                        color="white" if shown[i, j] > top * 0.6 else "black",
                    )
        ax.set_xticks(
            range(values.shape[1]), list(grid.columns), rotation=40, ha="right"
        )
        ax.set_yticks(range(values.shape[0]), list(grid.index))
        previous, current = (
            transitions["from_as_of_date"].iloc[0],
            transitions["to_as_of_date"].iloc[0],
        )
        ax.set_ylabel(lang.t("chart.from_segment_axis", date=lang.date(previous)))
        ax.set_xlabel(lang.t("chart.to_segment_axis", date=lang.date(current)))
        ax.set_title(lang.t("chart.transitions_title"), loc="left")
        return to_svg(fig, "transitions")


def pareto_curve(monetary_desc: np.ndarray, lang: Language) -> str:
    """Cumulative share of revenue against the share of customers, the
    biggest spenders first."""
    total = monetary_desc.sum()
    customers = np.arange(1, len(monetary_desc) + 1) / len(monetary_desc)
    revenue = np.cumsum(monetary_desc) / total
    with plt.rc_context(STYLE):
        fig, ax = plt.subplots(figsize=(7.2, 3.1))
        ax.plot(
            np.r_[0, customers],
            np.r_[0, revenue],
            color=REVENUE_COLOUR,
            lw=2,
            label=lang.t("chart.pareto_curve"),
        )
        ax.plot(
            [0, 1],
            [0, 1],
            color="#8c8c8c",
            lw=1,
            ls="--",
            label=lang.t("chart.pareto_equal"),
        )
        for mark in (0.2,):
            index = max(0, int(np.ceil(mark * len(monetary_desc))) - 1)
            ax.axvline(mark, color="#8c8c8c", lw=0.8)
            ax.annotate(
                lang.t(
                    "chart.pareto_mark",
                    customers=lang.percent(mark, 0),
                    revenue=lang.percent(revenue[index]),
                ),
                xy=(mark, revenue[index]),
                xytext=(mark + 0.05, revenue[index] - 0.2),
                arrowprops={"arrowstyle": "->", "color": "#333333"},
                fontsize=8,
            )
        _percent_axis(ax.xaxis, lang)
        _percent_axis(ax.yaxis, lang)
        ax.set_xlim(0, 1)
        ax.set_ylim(0, max(1.0, float(revenue.max())) * 1.02)
        ax.set_xlabel(lang.t("chart.pareto_x_axis"))
        ax.set_ylabel(lang.t("chart.pareto_y_axis"))
        ax.set_title(lang.t("chart.pareto_title"), loc="left")
        ax.legend(frameon=False, loc="lower right")
        return to_svg(fig, "pareto")


def budget_bars(
    names: Sequence[str], budgets: Sequence[float], title: str, lang: Language
) -> str:
    """The campaign budget of each segment of one plan."""
    with plt.rc_context(STYLE):
        fig, ax = plt.subplots(figsize=(7.2, max(2.2, 0.7 + 0.3 * len(names))))
        y = np.arange(len(names))
        ax.barh(y, budgets, 0.6, color=BUDGET_COLOUR)
        top = max([*budgets, 1])
        for position, value in zip(y, budgets, strict=True):
            ax.text(
                value + top * 0.01,
                position,
                lang.number(value),
                va="center",
                fontsize=7.5,
            )
        ax.set_yticks(y, names)
        ax.invert_yaxis()
        ax.set_xlim(0, top * 1.15)
        _number_axis(ax.xaxis, lang)
        ax.set_xlabel(lang.t("chart.budget_axis"))
        ax.set_title(title, loc="left")
        return to_svg(fig, title)
