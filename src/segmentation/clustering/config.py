"""The settings of :func:`segment_customers`, declared once.

Every setting is a field of :class:`SegmentationConfig` with its default, its
check and its documentation (``metadata``). :func:`parse_config` validates a
plain dict against the fields; :func:`describe_settings` lists them for the
documentation (docs/kmeans.md and macros/settings/clustering_settings.sql are
written from it by ``scripts/kmeans_settings.py``, and a test keeps them in
step). Unknown keys are errors: a typo must not be ignored silently.

The quality thresholds (``min_*`` and ``max_cluster_share``) serve twice: the
choice of k only takes a k that meets them all, and the project's data tests
check the published clusters against the same values.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import MISSING, dataclass, field, fields
from typing import Any

from segmentation.clustering.errors import SettingError
from segmentation.clustering.features import FeatureSpec, parse_feature_specs
from segmentation.clustering.selection import Gates, SelectionParams


@dataclass(frozen=True)
class Check:
    """How a setting is validated.

    Attributes:
        kind: ``int``, ``float``, ``range`` ([min, max] of ints), ``ints``
            (list of ints), ``str`` or ``features``.
        low: Smallest value allowed (ints and floats; for ranges, each end).
        high: Largest value allowed.
        strict_low: ``low`` itself is not allowed.
        nullable: ``null`` is allowed (and means what the doc says).
    """

    kind: str
    low: float | None = None
    high: float | None = None
    strict_low: bool = False
    nullable: bool = False


def _setting(default: Any, doc: str, check: Check) -> Any:
    """A dataclass field carrying its check and documentation."""
    return field(default=default, metadata={"doc": doc, "check": check})


@dataclass(frozen=True)
class SegmentationConfig:
    """Validated settings; field names are the config keys."""

    features: tuple[FeatureSpec, ...] = field(
        metadata={
            "doc": "Features to cluster on: column names, or dicts with a name "
            "and optionally a transform (none, log1p, signed_log1p or auto), a "
            "direction (higher_is_better, lower_is_better or neutral) and a "
            "role (recency, frequency, monetary or another word) for the names.",
            "check": Check("features"),
        }
    )
    id_column: str = _setting(
        "customer_id", "Column of the customer table holding the id.", Check("str")
    )
    seed: int = _setting(
        42, "Seed of every random choice (any integer >= 0).", Check("int", low=0)
    )
    k_range: tuple[int, int] = _setting(
        (2, 10),
        "Inclusive range of k evaluated in the model selection (each >= 2; "
        "every k costs about a second per million customers).",
        Check("range", low=2),
    )
    business_k_range: tuple[int, int] = _setting(
        (3, 7),
        "Inclusive range of k the choice may take; must overlap k_range.",
        Check("range", low=2),
    )
    fixed_k: int | None = _setting(
        None,
        "Use this k whatever the rule says (>= 1); null: choose by the rule.",
        Check("int", low=1, nullable=True),
    )
    n_init: int = _setting(
        10,
        "Seeded K-means candidate runs per k (>= 1; 10 is safe).",
        Check("int", low=1),
    )
    max_iter: int = _setting(
        300, "Lloyd iterations per run (>= 1).", Check("int", low=1)
    )
    tol: float = _setting(
        1e-4,
        "Relative centroid-shift tolerance of a run (>= 0; times the mean "
        "feature variance, as scikit-learn).",
        Check("float", low=0.0),
    )
    init_sample_size: int | None = _setting(
        20_000,
        "Customers the candidate runs use when there are more (>= 100); the "
        "winner is then refined on all. null: always all customers.",
        Check("int", low=100, nullable=True),
    )
    skew_threshold: float = _setting(
        1.0, "Skewness above which transform auto uses log1p.", Check("float")
    )
    outlier_z: float | None = _setting(
        5.0,
        "A customer is an outlier when a transformed feature lies more than "
        "this many standard deviations from its mean (> 0; safe 4-8). null: "
        "no outliers.",
        Check("float", low=0.0, strict_low=True, nullable=True),
    )
    max_outlier_share: float = _setting(
        0.02,
        "Most customers flagged as outliers, as a share (0..0.2); beyond it "
        "only the most extreme are flagged.",
        Check("float", low=0.0, high=0.2),
    )
    silhouette_exact_max: int = _setting(
        5_000,
        "Exact silhouette up to this many customers (>= 2; memory grows with "
        "its square).",
        Check("int", low=2),
    )
    silhouette_sample_size: int = _setting(
        5_000,
        "Seeded sample the silhouette is computed on above that (>= 2).",
        Check("int", low=2),
    )
    n_bootstrap: int = _setting(
        5,
        "Bootstrap resamples behind the stability (>= 0; 0: not measured, "
        "then min_stability must be null).",
        Check("int", low=0),
    )
    bootstrap_sample_size: int = _setting(
        10_000,
        "Customers per bootstrap resample and evaluation sample (>= 10).",
        Check("int", low=10),
    )
    bootstrap_n_init: int = _setting(
        3, "K-means candidate runs per bootstrap fit (>= 1).", Check("int", low=1)
    )
    min_silhouette: float | None = _setting(
        0.25,
        "Quality threshold: mean silhouette of the chosen k (-1..1; safe "
        "0.15-0.30). null: none.",
        Check("float", low=-1.0, high=1.0, nullable=True),
    )
    min_stability: float | None = _setting(
        0.80,
        "Quality threshold: stability of the chosen k, the mean adjusted Rand "
        "index of bootstrap refits (-1..1; safe 0.60-0.90). null: none.",
        Check("float", low=-1.0, high=1.0, nullable=True),
    )
    min_cluster_customers: int = _setting(
        100,
        "Quality threshold: fewest customers a cluster may hold, outliers "
        "included (>= 0).",
        Check("int", low=0),
    )
    min_cluster_share: float = _setting(
        0.05,
        "Quality threshold: smallest share of all customers a cluster may hold "
        "(0..1; safe 0.01-0.10).",
        Check("float", low=0.0, high=1.0),
    )
    max_cluster_share: float | None = _setting(
        0.40,
        "A cluster holding more than this share of all customers is split "
        "into sub-clusters; one that cannot be split fails the quality check "
        "(0..1; safe 0.30-0.60). null: no limit, no split.",
        Check("float", low=0.0, high=1.0, strict_low=True, nullable=True),
    )
    min_centroid_distance: float | None = _setting(
        1.0,
        "Quality threshold: smallest distance between two centroids, in "
        "standard deviations of the transformed features (>= 0; safe 0.5-1.5). "
        "null: none.",
        Check("float", low=0.0, nullable=True),
    )
    silhouette_tolerance: float = _setting(
        0.005,
        "Silhouettes this close count as tied; ties go to the smaller k (>= 0).",
        Check("float", low=0.0),
    )
    split_k_range: tuple[int, int] = _setting(
        (2, 4),
        "Sub-cluster counts tried for a split (each >= 2).",
        Check("range", low=2),
    )
    split_fixed_k: int | None = _setting(
        None,
        "Fixed number of sub-clusters (>= 2); null: choose.",
        Check("int", low=2, nullable=True),
    )
    compare_k: tuple[int, ...] = _setting(
        (3, 4, 5),
        "k clustered side by side for comparison (each >= 2; []: none).",
        Check("ints", low=2),
    )
    revenue_column: str | None = _setting(
        None,
        "Column summed into revenue and revenue_share; null: the first feature "
        "with role monetary.",
        Check("str", nullable=True),
    )
    response_column: str | None = _setting(
        None,
        "0/1 campaign response column profiled per cluster; null: none.",
        Check("str", nullable=True),
    )
    max_match_distance: float | None = _setting(
        None,
        "Largest distance (z units, >= 0) at which a previous run's cluster id "
        "is kept; null: any.",
        Check("float", low=0.0, nullable=True),
    )
    naming_rule_set: str | None = _setting(
        None,
        "Rows of the naming rules (their rule_set column) to name clusters by; "
        "null: rules without a rule_set column.",
        Check("str", nullable=True),
    )

    def selection_params(self) -> SelectionParams:
        """The K-means and measure parameters as :class:`SelectionParams`."""
        return SelectionParams(
            seed=self.seed,
            n_init=self.n_init,
            max_iter=self.max_iter,
            tol=self.tol,
            init_sample_size=self.init_sample_size,
            silhouette_exact_max=self.silhouette_exact_max,
            silhouette_sample_size=self.silhouette_sample_size,
            n_bootstrap=self.n_bootstrap,
            bootstrap_sample_size=self.bootstrap_sample_size,
            bootstrap_n_init=self.bootstrap_n_init,
        )

    def gates(self) -> Gates:
        """The quality thresholds the choice of k must meet."""
        return Gates(
            min_silhouette=self.min_silhouette,
            min_stability=self.min_stability,
            min_cluster_customers=self.min_cluster_customers,
            min_cluster_share=self.min_cluster_share,
            min_centroid_distance=self.min_centroid_distance,
        )


def _number(key: str, value: object, check: Check) -> float | int:
    """An int or float within the check's bounds."""
    if check.kind == "int":
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int):
            raise SettingError(f"$key must be an integer, got {value!r}", key)
    elif isinstance(value, bool) or not isinstance(value, int | float):
        raise SettingError(f"$key must be a number, got {value!r}", key)
    number = value if check.kind == "int" else float(value)
    if number != number:
        raise SettingError("$key must not be NaN", key)
    too_low = check.low is not None and (
        number < check.low or (check.strict_low and number == check.low)
    )
    if too_low:
        sign = ">" if check.strict_low else ">="
        raise SettingError(f"$key must be {sign} {check.low:g}, got {number:g}", key)
    if check.high is not None and number > check.high:
        raise SettingError(f"$key must be <= {check.high:g}, got {number:g}", key)
    return number


def _ints(key: str, value: object, check: Check, *, pair: bool) -> tuple[int, ...]:
    """A ``[min, max]`` pair (also ``{min, max}``) or a list of ints."""
    if pair and isinstance(value, Mapping):
        value = [value.get("min"), value.get("max")]
    if isinstance(value, str) or not isinstance(value, list | tuple):
        shape = "[min, max]" if pair else "a list of integers"
        raise SettingError(f"$key must be {shape}, got {value!r}", key)
    if pair and len(value) != 2:
        raise SettingError(f"$key must be [min, max], got {value!r}", key)
    item = Check("int", low=check.low)
    out = tuple(int(_number(f"{key}[{i}]", v, item)) for i, v in enumerate(value))
    if pair and out[0] > out[1]:
        raise SettingError(f"$key must have min <= max, got {list(value)}", key)
    return out


def _checked(key: str, value: object, check: Check) -> object:
    """The value of one setting, validated and normalised."""
    if value is None:
        if check.nullable:
            return None
        raise SettingError("$key must not be null", key)
    if check.kind in ("int", "float"):
        return _number(key, value, check)
    if check.kind == "range":
        return _ints(key, value, check, pair=True)
    if check.kind == "ints":
        return _ints(key, value, check, pair=False)
    if check.kind == "str":
        if not isinstance(value, str) or not value:
            raise SettingError("$key must be a non-empty string", key)
        return value
    return tuple(parse_feature_specs(value, key=key))


def _check_together(cfg: SegmentationConfig) -> None:
    """Settings that only make sense together."""
    lo, hi = cfg.k_range
    blo, bhi = cfg.business_k_range
    if cfg.fixed_k is None and (bhi < lo or blo > hi):
        raise SettingError(
            f"$key {blo}..{bhi} must overlap $key1 {lo}..{hi}",
            "business_k_range",
            "k_range",
        )
    if cfg.n_bootstrap == 0 and cfg.min_stability is not None:
        raise SettingError(
            "$key = 0 measures no stability, so $key1 cannot be checked: set "
            "$key1 to null or $key to at least 1",
            "n_bootstrap",
            "min_stability",
        )


def parse_config(config: Mapping[str, object]) -> SegmentationConfig:
    """Validate the plain-dict settings; errors name the offending key.

    Raises:
        SettingError: on unknown keys, a missing ``features`` key or bad values.
    """
    if not isinstance(config, Mapping):
        raise SettingError(f"settings must be a dict, got {type(config).__name__}")
    declared = {f.name: f for f in fields(SegmentationConfig)}
    unknown = sorted(set(config) - set(declared))
    if unknown:
        raise SettingError(
            f"unknown settings {unknown}; the settings are {sorted(declared)}"
        )
    values = {}
    for name, spec in declared.items():
        if name in config:
            values[name] = _checked(name, config[name], spec.metadata["check"])
        elif spec.default is MISSING:
            raise SettingError(
                "$key is required: a list of column names or dicts "
                "{name, transform, direction, role}",
                name,
            )
    cfg = SegmentationConfig(**values)
    _check_together(cfg)
    return cfg


@dataclass(frozen=True)
class SettingDoc:
    """One setting as the documentation shows it."""

    key: str
    default: object
    doc: str


def describe_settings() -> list[SettingDoc]:
    """Every setting with its default (``MISSING`` when required) and doc,
    in declaration order. Tuples are given as lists, as a config writes them."""
    out = []
    for spec in fields(SegmentationConfig):
        default = spec.default
        if isinstance(default, tuple):
            default = list(default)
        out.append(SettingDoc(spec.name, default, spec.metadata["doc"]))
    return out
