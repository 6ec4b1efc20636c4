"""Feature specification, transformation and standardisation.

Feature spec
------------
The features to cluster on come from config as a list; each item is either a column
name or a dict with these keys (only ``name`` is required)::

    {"name": "recency_days", "transform": "log1p", "direction": "lower_is_better",
     "role": "recency"}

``transform``
    ``"none"`` (default): the value as is.
    ``"log1p"``: ``log(1 + x)``; the column must have no value below 0.
    ``"signed_log1p"``: ``sign(x) * log(1 + |x|)``; for values that can be
    negative, such as net revenue after returns.
    ``"auto"``: ``log1p`` when the sample skewness of the column is above
    ``skew_threshold`` (default 1.0) and its minimum is >= 0, else ``none``.
    The transform actually used is recorded in the report.
``direction``
    ``"higher_is_better"``, ``"lower_is_better"`` or ``"neutral"``; default
    ``lower_is_better`` when the name contains "recency", else
    ``higher_is_better``. Used to turn centroids into "scores" where higher is
    better (cluster order and naming); it does not change the clustering.
``role``
    Dimension the feature describes for cluster naming: ``recency``,
    ``frequency``, ``monetary`` or any other word (``None`` for no role).
    Default: ``recency`` / ``frequency`` / ``monetary`` when the name starts with
    that word, else ``None``.

Policies
--------
* Rows are sorted by customer id (as string) first, so the input row order never
  matters; ids must be unique and not null.
* Missing values (NaN / None) are imputed with the median of the column's
  observed raw values, before the transform; per feature the count is reported and
  per customer the imputed features are flagged. A column with no observed value is
  dropped.
* Infinite values and non-numeric columns are errors.
* After the transform each feature is standardised to a z-score with the
  population standard deviation (ddof=0, as scikit-learn's ``StandardScaler``). A
  feature whose standard deviation is 0 (or below 1e-12 relative to its mean) is
  dropped with a :class:`FeatureDroppedWarning` and recorded; it never yields NaN.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from scipy import stats

from segmentation.clustering.errors import InputDataError, SettingError

TRANSFORMS = ("none", "log1p", "signed_log1p", "auto")
DIRECTIONS = ("higher_is_better", "lower_is_better", "neutral")
ROLE_PREFIXES = ("recency", "frequency", "monetary")
_SPEC_KEYS = {"name", "transform", "direction", "role"}


class FeatureDroppedWarning(UserWarning):
    """A feature was left out of the clustering (constant or entirely missing)."""


@dataclass(frozen=True)
class FeatureSpec:
    """One feature to cluster on (see the module docstring for the fields)."""

    name: str
    transform: str = "none"
    direction: str = "higher_is_better"
    role: str | None = None

    @property
    def sign(self) -> float:
        """+1 for higher-is-better, -1 for lower-is-better, 0 for neutral."""
        return {"higher_is_better": 1.0, "lower_is_better": -1.0, "neutral": 0.0}[
            self.direction
        ]


def _default_direction(name: str) -> str:
    """``lower_is_better`` for recency-like names, else ``higher_is_better``."""
    return "lower_is_better" if "recency" in name.lower() else "higher_is_better"


def _default_role(name: str) -> str | None:
    """``recency``/``frequency``/``monetary`` when the name starts with it."""
    lowered = name.lower()
    for prefix in ROLE_PREFIXES:
        if lowered.startswith(prefix):
            return prefix
    return None


def parse_feature_specs(
    spec: Sequence[str | Mapping[str, object]], *, key: str = "features"
) -> list[FeatureSpec]:
    """Turn the config list of features into :class:`FeatureSpec` objects.

    Args:
        spec: List of column names or dicts (see the module docstring).
        key: Config key quoted in error messages.

    Raises:
        SettingError: on an empty list, unknown keys or values, or duplicate names.
    """
    if isinstance(spec, str | bytes) or not isinstance(spec, Sequence) or not spec:
        raise SettingError("$key must be a non-empty list of features", key)
    out: list[FeatureSpec] = []
    for i, item in enumerate(spec):
        where = f"$key item {i}"
        if isinstance(item, str):
            item = {"name": item}
        if not isinstance(item, Mapping):
            raise SettingError(
                f"{where} must be a column name or a dict, got {item!r}", key
            )
        unknown = set(item) - _SPEC_KEYS
        if unknown:
            allowed = sorted(_SPEC_KEYS)
            raise SettingError(
                f"{where} has unknown keys {sorted(unknown)}; allowed {allowed}", key
            )
        name = item.get("name")
        if not isinstance(name, str) or not name:
            raise SettingError(f"{where} needs a non-empty string 'name'", key)
        transform = item.get("transform", "none") or "none"
        if transform not in TRANSFORMS:
            raise SettingError(
                f"{where} ({name}): transform {transform!r} not in {list(TRANSFORMS)}",
                key,
            )
        direction = item.get("direction") or _default_direction(name)
        if direction not in DIRECTIONS:
            raise SettingError(
                f"{where} ({name}): direction {direction!r} not in {list(DIRECTIONS)}",
                key,
            )
        role = item.get("role", _default_role(name))
        if role is not None and not isinstance(role, str):
            raise SettingError(f"{where} ({name}): role must be a string or null", key)
        out.append(FeatureSpec(str(name), str(transform), str(direction), role))
    names = [s.name for s in out]
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise SettingError(f"$key lists features more than once: {dupes}", key)
    return out


def apply_transform(values: np.ndarray, transform: str) -> np.ndarray:
    """Apply a resolved transform (``none``, ``log1p`` or ``signed_log1p``)."""
    return _through(np.log1p, values, transform)


def inverse_transform(values: np.ndarray, transform: str) -> np.ndarray:
    """Inverse of :func:`apply_transform` (back to raw units)."""
    return _through(np.expm1, values, transform)


def _through(
    log_or_exp: Callable[[np.ndarray], np.ndarray], values: np.ndarray, transform: str
) -> np.ndarray:
    """``values`` through a resolved transform whose log1p is ``log_or_exp``:
    np.log1p to transform, np.expm1 to go back to raw units."""
    if transform == "none":
        return values.astype(np.float64, copy=True)
    if transform == "log1p":
        return log_or_exp(values)
    if transform == "signed_log1p":
        return np.sign(values) * log_or_exp(np.abs(values))
    raise ValueError(f"unknown resolved transform {transform!r}")


@dataclass(frozen=True)
class FeatureMatrix:
    """Standardised features ready for K-means, plus what is needed to explain them.

    Attributes:
        customer_ids: ``(n,)`` customer ids (pandas string array), sorted
            ascending by code point.
        x: ``(n, p)`` float64 z-scores of the kept features (no NaN).
        specs: Kept features, with the transform actually used.
        means: ``(p,)`` means of the transformed kept features.
        stds: ``(p,)`` population standard deviations of the transformed features.
        report: One row per requested feature: feature, requested_transform,
            transform, direction, role, kept, drop_reason, n_missing, fill_value,
            skewness, mean, std.
        missing: ``(n, q)`` bool frame (index = customer id) of imputed values for
            every requested feature that exists in the input.
        row_order: ``(n,)`` position in the input of every row: the input's
            own columns, taken in this order, line up with ``x``.
    """

    customer_ids: pd.api.extensions.ExtensionArray
    x: np.ndarray
    specs: tuple[FeatureSpec, ...]
    means: np.ndarray
    stds: np.ndarray
    report: pd.DataFrame
    missing: pd.DataFrame = field(repr=False)
    row_order: np.ndarray = field(repr=False)

    @property
    def features(self) -> list[str]:
        """Names of the kept features, in matrix column order."""
        return [s.name for s in self.specs]

    @property
    def dropped(self) -> pd.DataFrame:
        """Dropped features and why (columns ``feature``, ``drop_reason``)."""
        rows = self.report.loc[~self.report["kept"], ["feature", "drop_reason"]]
        return rows.reset_index(drop=True)

    @property
    def signs(self) -> np.ndarray:
        """Direction signs of the kept features (+1, -1 or 0)."""
        return np.array([s.sign for s in self.specs], dtype=np.float64)

    def imputed_features(self) -> pd.Series:
        """Per customer, the comma-separated imputed features ("" when none)."""
        cols = list(self.missing.columns)
        flags = self.missing.to_numpy(dtype=bool)
        joined = np.full(flags.shape[0], "", dtype=object)
        for i in np.flatnonzero(flags.any(axis=1)):
            joined[i] = ",".join(c for c, f in zip(cols, flags[i], strict=True) if f)
        return pd.Series(joined, index=self.missing.index, name="imputed_features")

    def to_frame(self) -> pd.DataFrame:
        """The z-scores as a DataFrame indexed by customer id."""
        return pd.DataFrame(
            self.x,
            index=pd.Index(self.customer_ids, name="customer_id"),
            columns=self.features,
        )

    def inverse_transform(self, z: np.ndarray) -> np.ndarray:
        """Map z-scores (e.g. centroids, shape ``(m, p)``) back to raw units."""
        z = np.atleast_2d(np.asarray(z, dtype=np.float64))
        t = z * self.stds + self.means
        out = np.empty_like(t)
        for j, spec in enumerate(self.specs):
            out[:, j] = inverse_transform(t[:, j], spec.transform)
        return out

    def standardise_raw(self, raw: np.ndarray) -> np.ndarray:
        """Map raw values (shape ``(m, p)``, kept-feature order) to z-scores."""
        raw = np.atleast_2d(np.asarray(raw, dtype=np.float64))
        out = np.empty_like(raw)
        for j, spec in enumerate(self.specs):
            out[:, j] = apply_transform(raw[:, j], spec.transform)
        return (out - self.means) / self.stds


def _numeric_column(df: pd.DataFrame, name: str) -> np.ndarray:
    """The column as float64 (NaN for missing); errors for text or infinities."""
    col = df[name]
    if pd.api.types.is_bool_dtype(col):
        col = col.astype("float64")
    if not pd.api.types.is_numeric_dtype(col):
        raise InputDataError(f"feature '{name}' is not numeric (dtype {col.dtype})")
    values = col.to_numpy(dtype=np.float64, na_value=np.nan)
    if np.isinf(values).any():
        raise InputDataError(
            f"feature '{name}' holds infinite values; fix them upstream"
        )
    return values


def _sorted_ids(
    df: pd.DataFrame, id_column: str
) -> tuple[pd.api.extensions.ExtensionArray, np.ndarray]:
    """Customer ids as strings sorted ascending, and the row order that sorts them."""
    if id_column not in df.columns:
        raise InputDataError(
            f"the input has no customer id column '{id_column}' ($key)", "id_column"
        )
    ids = df[id_column]
    if ids.isna().any():
        raise InputDataError(
            f"column '{id_column}' has {int(ids.isna().sum())} null ids"
        )
    as_text = pa.array(ids.astype(str))
    if len(as_text) > 1 and pc.all(pc.less(as_text[:-1], as_text[1:])).as_py():
        # Already in order, as a database hands them over when asked to: no
        # sort, and no two equal.
        return pd.array(as_text, dtype="str"), np.arange(len(as_text))
    # Arrow sorts UTF-8 bytewise, which is code point order, and stably.
    order = pc.sort_indices(as_text).to_numpy()
    as_text = as_text.take(order)
    if len(as_text) > 1:
        dup = pc.equal(as_text[1:], as_text[:-1]).to_numpy(zero_copy_only=False)
        if dup.any():
            repeated = as_text[1:].filter(pa.array(dup)).to_pylist()
            examples = sorted(set(repeated))[:5]
            raise InputDataError(
                f"column '{id_column}' has duplicate ids, e.g. {examples}"
            )
    return pd.array(as_text, dtype="str"), order


def _resolve_transform(
    spec: FeatureSpec, values: np.ndarray, skew_threshold: float
) -> tuple[str, float]:
    """Transform to use and the skewness of the observed values."""
    observed = values[~np.isnan(values)]
    varies = observed.size > 2 and observed.min() < observed.max()
    skewness = float(stats.skew(observed)) if varies else float("nan")
    transform = spec.transform
    if transform == "auto":
        transform = (
            "log1p"
            if np.isfinite(skewness)
            and skewness > skew_threshold
            and observed.min() >= 0
            else "none"
        )
    if transform == "log1p" and observed.size and observed.min() < 0:
        raise SettingError(
            f"feature '{spec.name}' has negative values (min {observed.min():g}); "
            "log1p needs values >= 0: give it transform 'signed_log1p' in $key",
            "features",
        )
    return transform, skewness


def _no_feature_left_message(n: int, rows: list[dict[str, object]]) -> str:
    """Why nothing can be clustered: the customers first, then each feature."""
    reasons = "; ".join(f"{r['feature']}: {r['drop_reason']}" for r in rows)
    if n == 0:
        why = "there are no customers to cluster"
    elif n == 1:
        why = "there is only 1 customer; K-means needs at least 2 distinct customers"
    elif all(str(r["drop_reason"]).startswith("constant") for r in rows):
        why = (
            f"all {n} customers have the same value of every feature, so they are "
            "1 distinct customer; K-means needs at least 2"
        )
    else:
        return f"no feature left to cluster on: {reasons}"
    return f"no feature left to cluster on ({why}): {reasons}"


def prepare_features(
    df: pd.DataFrame,
    specs: Sequence[FeatureSpec | str | Mapping[str, object]],
    *,
    id_column: str = "customer_id",
    skew_threshold: float = 1.0,
) -> FeatureMatrix:
    """Impute, transform and standardise the feature columns of ``df``.

    Args:
        df: One row per customer with ``id_column`` and the feature columns.
        specs: Feature specs (objects, names or config dicts; module docstring).
        id_column: Customer id column.
        skew_threshold: Skewness above which ``transform: auto`` uses log1p.

    Returns:
        A :class:`FeatureMatrix` with rows sorted by customer id.

    Raises:
        SettingError: on a feature missing from the input or negative values
            under log1p.
        InputDataError: on a non-numeric or infinite feature column, bad ids, or
            when no feature is left.
    """
    parsed = [
        s if isinstance(s, FeatureSpec) else parse_feature_specs([s])[0] for s in specs
    ]
    if not parsed:
        raise SettingError("$key lists no features", "features")
    missing_cols = [s.name for s in parsed if s.name not in df.columns]
    if missing_cols:
        raise SettingError(
            f"features not in the input: {missing_cols} ($key)", "features"
        )
    ids, order = _sorted_ids(df, id_column)
    kept: list[FeatureSpec] = []
    columns: list[np.ndarray] = []
    means: list[float] = []
    stds: list[float] = []
    rows: list[dict[str, object]] = []
    missing_flags: dict[str, np.ndarray] = {}
    for spec in parsed:
        values = _numeric_column(df, spec.name)[order]
        is_missing = np.isnan(values)
        missing_flags[spec.name] = is_missing
        row: dict[str, object] = {
            "feature": spec.name,
            "requested_transform": spec.transform,
            "transform": None,
            "direction": spec.direction,
            "role": spec.role,
            "kept": False,
            "drop_reason": None,
            "n_missing": int(is_missing.sum()),
            "fill_value": float("nan"),
            "skewness": float("nan"),
            "mean": float("nan"),
            "std": float("nan"),
        }
        rows.append(row)
        if is_missing.all():
            row["drop_reason"] = "all values missing"
            warnings.warn(
                f"feature '{spec.name}' dropped: all values missing",
                FeatureDroppedWarning,
                stacklevel=2,
            )
            continue
        transform, skewness = _resolve_transform(spec, values, skew_threshold)
        fill = float(np.median(values[~is_missing]))
        values = np.where(is_missing, fill, values)
        t = apply_transform(values, transform)
        mean = float(t.mean())
        std = float(t.std())
        row.update(transform=transform, fill_value=fill, skewness=skewness)
        row.update(mean=mean, std=std)
        if not std > 1e-12 * max(1.0, abs(mean)):
            row["drop_reason"] = (
                f"constant (zero variance): every value is {values[0]:g}"
            )
            warnings.warn(
                f"feature '{spec.name}' dropped: {row['drop_reason']}",
                FeatureDroppedWarning,
                stacklevel=2,
            )
            continue
        row["kept"] = True
        kept.append(replace(spec, transform=transform))
        columns.append((t - mean) / std)
        means.append(mean)
        stds.append(std)
    if not kept:
        raise InputDataError(_no_feature_left_message(len(ids), rows))
    x = np.ascontiguousarray(np.column_stack(columns), dtype=np.float64)
    missing = pd.DataFrame(missing_flags, index=pd.Index(ids, name="customer_id"))
    return FeatureMatrix(
        customer_ids=ids,
        x=x,
        specs=tuple(kept),
        means=np.array(means),
        stds=np.array(stds),
        report=pd.DataFrame(rows),
        missing=missing,
        row_order=order,
    )
