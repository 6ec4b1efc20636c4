"""Robust outlier rule on the transformed features.

For every feature, ``robust z = (x - median) / scale`` where
``scale = 1.4826 * MAD`` (median absolute deviation from the median; 1.4826 makes
it match the standard deviation for normal data). When the MAD is 0 (more than half
of the customers share one value, e.g. one order only) the scale falls back to
``1.253314 * mean absolute deviation from the median`` (Iglewicz and Hoaglin); when
that is 0 too the feature flags nobody. Robust z is invariant to the linear
standardisation, so it is computed on the z-scored matrix and equals the value on
the transformed (log etc.) features.

A customer is an outlier when any ``|robust z|`` exceeds ``threshold`` (default 6).
Outliers are left out of the K-means fit and afterwards assigned to their nearest
centroid: they never form a cluster of their own.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from segmentation.clustering.features import FeatureMatrix

MAD_TO_SD = 1.4826
MEAN_AD_TO_SD = 1.253314
DEFAULT_THRESHOLD = 6.0


@dataclass(frozen=True)
class OutlierResult:
    """Outcome of :func:`flag_outliers`.

    Attributes:
        flags: One row per customer (same order as the feature matrix):
            ``customer_id``, ``is_outlier``, ``outlier_reason`` (null when not an
            outlier, e.g. "monetary robust z 9.3 > 6"), ``max_abs_robust_z``.
        scales: One row per feature: ``feature``, ``median``, ``scale``,
            ``scale_method`` (``mad``, ``mean_abs_dev`` or ``none``), ``n_flagged``.
        threshold: The threshold used (``None`` when disabled).
    """

    flags: pd.DataFrame
    scales: pd.DataFrame
    threshold: float | None

    @property
    def mask(self) -> np.ndarray:
        """Boolean array, True for outliers."""
        return self.flags["is_outlier"].to_numpy(dtype=bool)


def robust_z(values: np.ndarray) -> tuple[np.ndarray, float, float, str]:
    """Robust z-scores of one column.

    Returns:
        ``(z, median, scale, method)``; ``z`` is all zeros when the scale is 0.
    """
    median = float(np.median(values))
    abs_dev = np.abs(values - median)
    mad = float(np.median(abs_dev))
    if mad > 0:
        scale, method = MAD_TO_SD * mad, "mad"
    else:
        mean_ad = float(abs_dev.mean())
        if mean_ad > 0:
            scale, method = MEAN_AD_TO_SD * mean_ad, "mean_abs_dev"
        else:
            return np.zeros_like(values), median, 0.0, "none"
    return (values - median) / scale, median, scale, method


def _reason(name: str, z: float, threshold: float) -> str:
    """ "<feature> robust z <z> > <t>" (or "< -<t>" for low values)."""
    if z > 0:
        return f"{name} robust z {z:.1f} > {threshold:g}"
    return f"{name} robust z {z:.1f} < -{threshold:g}"


def flag_outliers(
    features: FeatureMatrix, *, threshold: float | None = DEFAULT_THRESHOLD
) -> OutlierResult:
    """Flag customers whose robust z on any feature exceeds ``threshold``.

    Args:
        features: Prepared features (:func:`prepare_features`).
        threshold: Robust z threshold (> 0); ``None`` disables the rule.

    Returns:
        An :class:`OutlierResult`; the reason names every offending feature in
        feature order, separated by "; ".
    """
    n, p = features.x.shape
    if threshold is not None and not threshold > 0:
        raise ValueError(f"outlier threshold must be > 0 or None, got {threshold}")
    is_outlier = np.zeros(n, dtype=bool)
    max_abs = np.zeros(n, dtype=np.float64)
    exceed: list[np.ndarray] = []
    zs: list[np.ndarray] = []
    scale_rows = []
    for j, name in enumerate(features.features):
        z, median, scale, method = robust_z(features.x[:, j])
        np.maximum(max_abs, np.abs(z), out=max_abs)
        hit = (
            np.abs(z) > threshold if threshold is not None else np.zeros(n, dtype=bool)
        )
        is_outlier |= hit
        exceed.append(hit)
        zs.append(z)
        scale_rows.append(
            {
                "feature": name,
                "median": median,
                "scale": scale,
                "scale_method": method,
                "n_flagged": int(hit.sum()),
            }
        )
    reasons = np.full(n, None, dtype=object)
    names = features.features
    for i in np.flatnonzero(is_outlier):
        reasons[i] = "; ".join(
            _reason(names[j], float(zs[j][i]), float(threshold))  # type: ignore[arg-type]
            for j in range(p)
            if exceed[j][i]
        )
    flags = pd.DataFrame(
        {
            "customer_id": features.customer_ids,
            "is_outlier": is_outlier,
            "outlier_reason": pd.Series(reasons, dtype=object),
            "max_abs_robust_z": max_abs,
        }
    )
    return OutlierResult(
        flags=flags, scales=pd.DataFrame(scale_rows), threshold=threshold
    )
