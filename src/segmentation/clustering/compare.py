"""The same customers clustered with several k, side by side.

For every k the fit is the one :func:`fit_k` gives for that k (so it equals the
model-selection fit); the chosen k, when given as ``labelled``, is the run's own
clusters. Every customer is assigned to the nearest centroid, clusters are
numbered by the value-score rule and named with the naming rules.

On a refresh whose main fit started from the stored run, a k the stored run
also fitted side by side starts from its stored centroids instead: one Lloyd
run, no restarts, each cluster keeping its stored id
(:mod:`.side_warm_start`); a k that cannot is fitted as above, and a note
says why.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from segmentation.clustering.features import FeatureMatrix
from segmentation.clustering.kmeans_core import KMeansResult
from segmentation.clustering.labelling import LabelledClusters, label_customers
from segmentation.clustering.naming import name_clusters, role_scores
from segmentation.clustering.ordering import Z_PREFIX
from segmentation.clustering.selection import (
    SelectionParams,
    SelectionResult,
    evaluate_k_range,
    fit_k,
)
from segmentation.clustering.side_warm_start import COMPARE, SideStart, SideStarts
from segmentation.clustering.warm_start import WarmStartError

SIZE_COLUMNS = ["k", "cluster_id", "cluster_name", "customers"]
ASSIGNMENT_COLUMNS = ["customer_id", "k", "cluster_id", "cluster_name"]
SUMMARY_COLUMNS = [
    "k",
    "min_cluster_share",
    "max_cluster_share",
    "cluster_names",
    "silhouette",
    "silhouette_method",
    "davies_bouldin",
    "calinski_harabasz",
    "stability_ari",
    "inertia",
]


@dataclass(frozen=True)
class Comparison:
    """Outcome of :func:`compare_k_values`.

    Attributes:
        labels: Per k, each customer's cluster id (in the rows of
            ``customer_ids``) and the names of its clusters: what
            :attr:`assignments` is built from.
        summary: One row per k (:data:`SUMMARY_COLUMNS`); shares count all
            customers, the quality measures come from the fit customers.
        sizes: One row per k and cluster: ``k``, ``cluster_id``,
            ``cluster_name``, ``customers`` (all customers, outliers included).
        centroids: One row per k and cluster: ``k``, ``cluster_id``,
            ``centroid_z_<feature>`` (z units).
        notes: One line per k that a refresh tried to start from the stored
            run: what it did, or why it fitted that k in full.
    """

    customer_ids: np.ndarray
    labels: Mapping[int, tuple[np.ndarray, Mapping[int, str]]]
    summary: pd.DataFrame
    sizes: pd.DataFrame
    centroids: pd.DataFrame
    notes: tuple[str, ...] = field(default=())

    @property
    def assignments(self) -> pd.DataFrame:
        """Long table ``customer_id``, ``k``, ``cluster_id``, ``cluster_name``
        (one row per customer and k). Built when asked, not kept: at millions
        of customers it is the run's largest table (about 1 GiB at 5M
        customers and three k), and the warehouse keeps only the sizes."""
        parts = [
            pd.DataFrame(
                {
                    "customer_id": self.customer_ids,
                    "k": k,
                    "cluster_id": cluster_id,
                    "cluster_name": pd.Series(cluster_id)
                    .map(name_of)
                    .to_numpy(dtype=object),
                }
            )
            for k, (cluster_id, name_of) in self.labels.items()
        ]
        if not parts:
            return pd.DataFrame(columns=ASSIGNMENT_COLUMNS)
        return pd.concat(parts, ignore_index=True)


def _warm_fits(
    x_fit: np.ndarray,
    ks: Sequence[int],
    params: SelectionParams,
    warm: SideStarts | None,
) -> tuple[dict[int, tuple[KMeansResult, SideStart]], list[str]]:
    """The k of ``ks`` fitted from the stored run's centroids, with their
    starts, and a note per k tried (none without ``warm``)."""
    fits: dict[int, tuple[KMeansResult, SideStart]] = {}
    notes: list[str] = []
    if warm is None:
        return fits, notes
    for k in ks:
        what = f"side-by-side k={k}"
        try:
            start, fit, how = warm.fit_from_start(COMPARE, k, x_fit, params)
        except WarmStartError as err:
            instead = f"it is fitted with {warm.setting_name('n_init')} restarts"
            notes.append(warm.fallback_note(what, instead, err))
            continue
        fits[k] = (fit, start)
        notes.append(warm.warm_note(what, k, how))
    return fits, notes


def compare_k_values(
    features: FeatureMatrix,
    ks: Sequence[int],
    params: SelectionParams,
    *,
    fit_mask: np.ndarray | None = None,
    selection: SelectionResult | None = None,
    naming_rules: pd.DataFrame | None = None,
    labelled: Mapping[int, tuple[LabelledClusters, Mapping[int, str]]] | None = None,
    warm: SideStarts | None = None,
) -> Comparison:
    """Cluster the same customers with every k of ``ks``.

    Args:
        features: Prepared features of all customers.
        ks: The k values (e.g. ``[3, 4, 5]``).
        params: Fit/measure parameters (same as the model selection's).
        fit_mask: True for customers used in fits (default all).
        selection: Model-selection result whose fits and figures are reused;
            a k with figures but no fit is fitted (:func:`fit_k`), not
            measured again.
        naming_rules: Rules table for the names.
        labelled: Customers already labelled and named for some k (the chosen
            fit): reused as they are, so that k reads the same everywhere.
        warm: The starts of a refresh's side fits: every k not ``labelled``
            starts from the stored run's centroids of that k when it can.
    """
    ks = sorted({int(k) for k in ks})
    z_columns = [Z_PREFIX + f for f in features.features]
    if not ks:
        return Comparison(
            features.customer_ids,
            {},
            pd.DataFrame(columns=SUMMARY_COLUMNS),
            pd.DataFrame(columns=SIZE_COLUMNS).astype(
                {"k": "int64", "cluster_id": "int64", "customers": "int64"}
            ),
            pd.DataFrame(columns=["k", "cluster_id", *z_columns]),
        )
    labelled = labelled or {}
    mask = np.ones(features.x.shape[0], dtype=bool) if fit_mask is None else fit_mask
    x_fit = features.x[mask]
    warm_fits, notes = _warm_fits(
        x_fit, [k for k in ks if k not in labelled], params, warm
    )
    known = selection.table if selection is not None else pd.DataFrame(columns=["k"])
    todo = [k for k in ks if k not in set(known["k"].tolist())]
    fits = dict(selection.fits) if selection is not None else {}
    fits.update({k: fit for k, (fit, _) in warm_fits.items()})
    if todo:
        extra = evaluate_k_range(
            x_fit,
            todo,
            params,
            fits={k: fits[k] for k in todo if k in fits},
            assigned_also=features.x[~mask],
        )
        fits.update(extra.fits)
        known = (
            pd.concat([known, extra.table], ignore_index=True)
            if len(known)
            else extra.table
        )
    for k in ks:
        if k not in fits:
            # Its figures came with the selection (a warm start carries the
            # stored run's), its fit did not: the same fit_k, not measured.
            fits[k] = fit_k(x_fit, k, params)
    n = features.x.shape[0]
    labels = {}
    summary_rows = []
    size_parts = []
    centroid_parts = []
    for k in ks:
        if k in labelled:
            lab, name_of = labelled[k]
        else:
            start = warm_fits[k][1] if k in warm_fits else None
            lab = label_customers(
                features.x,
                fits[k].centroids,
                features.signs,
                previous_z=None if start is None else start.start_z,
                previous_ids=None if start is None else start.ids,
                keep_ids=start is not None,
            )
            names = name_clusters(
                role_scores(lab.centroids_z, features.specs, lab.ids), naming_rules
            )
            name_of = dict(zip(names["cluster_id"], names["cluster_name"], strict=True))
        name_array = np.array([name_of[i] for i in lab.ids], dtype=object)
        labels[k] = (lab.cluster_id.astype(np.int64), name_of)
        size_parts.append(
            pd.DataFrame(
                {
                    "k": k,
                    "cluster_id": lab.ids.astype(np.int64),
                    "cluster_name": name_array,
                    "customers": lab.counts.astype(np.int64),
                },
                columns=SIZE_COLUMNS,
            )
        )
        centroid_parts.append(
            pd.DataFrame(lab.centroids_z, columns=z_columns).assign(
                k=k, cluster_id=lab.ids.astype(np.int64)
            )[["k", "cluster_id", *z_columns]]
        )
        row = known.loc[known["k"] == k].iloc[0]
        shares = lab.counts / n
        summary_rows.append(
            {
                "k": k,
                "min_cluster_share": float(shares.min()),
                "max_cluster_share": float(shares.max()),
                "cluster_names": ", ".join(name_array),
                "silhouette": row["silhouette"],
                "silhouette_method": row["silhouette_method"],
                "davies_bouldin": row["davies_bouldin"],
                "calinski_harabasz": row["calinski_harabasz"],
                "stability_ari": row["stability_ari"],
                "inertia": row["inertia"],
            }
        )
    return Comparison(
        customer_ids=features.customer_ids,
        labels=labels,
        summary=pd.DataFrame(summary_rows, columns=SUMMARY_COLUMNS),
        sizes=pd.concat(size_parts, ignore_index=True),
        centroids=pd.concat(centroid_parts, ignore_index=True),
        notes=tuple(notes),
    )
