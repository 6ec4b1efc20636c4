"""The same customers clustered with several k, side by side.

For every k the fit is the one :func:`fit_k` gives for that k (so it equals the
model-selection fit and, for the chosen k, the final fit when there is no previous
run); every customer is assigned to the nearest centroid, clusters are numbered by
the value-score rule and named with the naming rules.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from segmentation.clustering.features import FeatureMatrix
from segmentation.clustering.labelling import LabelledClusters, label_customers
from segmentation.clustering.naming import name_clusters, role_scores
from segmentation.clustering.selection import (
    SelectionParams,
    SelectionResult,
    evaluate_k_range,
    fit_k,
)

SIZE_COLUMNS = ["k", "cluster_id", "cluster_name", "customers"]
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
        assignments: Long table ``customer_id``, ``k``, ``cluster_id``,
            ``cluster_name`` (one row per customer and k).
        summary: One row per k (:data:`SUMMARY_COLUMNS`); shares count all
            customers, the quality measures come from the fit customers.
        sizes: One row per k and cluster: ``k``, ``cluster_id``,
            ``cluster_name``, ``customers`` (all customers, outliers included).
    """

    assignments: pd.DataFrame
    summary: pd.DataFrame
    sizes: pd.DataFrame


def compare_k_values(
    features: FeatureMatrix,
    ks: Sequence[int],
    params: SelectionParams,
    *,
    fit_mask: np.ndarray | None = None,
    selection: SelectionResult | None = None,
    naming_rules: pd.DataFrame | None = None,
    labelled: Mapping[int, tuple[LabelledClusters, Mapping[int, str]]] | None = None,
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
    """
    ks = sorted({int(k) for k in ks})
    if not ks:
        empty = pd.DataFrame(columns=["customer_id", "k", "cluster_id", "cluster_name"])
        return Comparison(
            empty,
            pd.DataFrame(columns=SUMMARY_COLUMNS),
            pd.DataFrame(columns=SIZE_COLUMNS).astype(
                {"k": "int64", "cluster_id": "int64", "customers": "int64"}
            ),
        )
    mask = np.ones(features.x.shape[0], dtype=bool) if fit_mask is None else fit_mask
    x_fit = features.x[mask]
    known = selection.table if selection is not None else pd.DataFrame(columns=["k"])
    todo = [k for k in ks if k not in set(known["k"].tolist())]
    fits = dict(selection.fits) if selection is not None else {}
    if todo:
        extra = evaluate_k_range(x_fit, todo, params, assigned_also=features.x[~mask])
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
    long_parts = []
    summary_rows = []
    size_parts = []
    for k in ks:
        if labelled and k in labelled:
            lab, name_of = labelled[k]
        else:
            lab = label_customers(features.x, fits[k].centroids, features.signs)
            names = name_clusters(
                role_scores(lab.centroids_z, features.specs, lab.ids), naming_rules
            )
            name_of = dict(zip(names["cluster_id"], names["cluster_name"], strict=True))
        name_array = np.array([name_of[i] for i in lab.ids], dtype=object)
        long_parts.append(
            pd.DataFrame(
                {
                    "customer_id": features.customer_ids,
                    "k": k,
                    "cluster_id": lab.cluster_id.astype(np.int64),
                    "cluster_name": name_array[
                        np.searchsorted(lab.ids, lab.cluster_id)
                    ],
                }
            )
        )
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
        assignments=pd.concat(long_parts, ignore_index=True),
        summary=pd.DataFrame(summary_rows, columns=SUMMARY_COLUMNS),
        sizes=pd.concat(size_parts, ignore_index=True),
    )
