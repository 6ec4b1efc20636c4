"""Configuration of :func:`segment_customers`: a plain dict, validated here.

Keys (all optional except ``features``):

===========================  =============  ===========================================
key                          default        meaning
===========================  =============  ===========================================
features                     (required)     list of feature specs (see ``features``)
id_column                    "customer_id"  customer id column
seed                         42             seed of every random choice
k_range                      [2, 10]        inclusive k range of the model selection
business_k_range             [3, 7]         inclusive range choose_k may pick from
fixed_k                      null           use this k (skips the choice rule)
n_init                       10             K-means seeded candidate runs
max_iter                     300            Lloyd iterations per run
tol                          1e-4           relative centroid-shift tolerance
init_sample_size             20000          candidate runs on a sample above this n
                                            (null: always all points)
skew_threshold               1.0            skewness above which "auto" uses log1p
outlier_threshold            6.0            robust z threshold (null: no outliers)
silhouette_exact_max         5000           exact silhouette up to this many points
silhouette_sample_size       5000           silhouette sample size above that
n_bootstrap                  5              bootstrap resamples (0: no stability)
bootstrap_sample_size        10000          points per resample / evaluation points
bootstrap_n_init             3              K-means runs per bootstrap fit
min_stability                0.75           stability ARI floor of choose_k
silhouette_tolerance         0.005          silhouettes this close are tied
max_cluster_share            0.40           split clusters above this share (null: off)
split_k_range                [2, 4]         sub-cluster counts evaluated for a split
split_fixed_k                null           fixed number of sub-clusters
compare_k                    [3, 4, 5]      k values clustered side by side ([]: off)
revenue_column               null           raw column summed into revenue_share
                                            (null: first feature with role monetary)
response_column              null           0/1 campaign response column
max_match_distance           null           max distance (z) to keep a previous id
k_var_name                   null           name of the var holding these keys,
                                            quoted in errors ("var clustering":
                                            errors name var clustering.fixed_k)
naming_rule_set              "rfm"          rows of the naming rules to use, when the
                                            rules table has a ``rule_set`` column
===========================  =============  ===========================================

Unknown keys are errors (a typo must not be ignored silently).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields

from segmentation.clustering.features import FeatureSpec, parse_feature_specs
from segmentation.clustering.selection import SelectionParams


@dataclass(frozen=True)
class SegmentationConfig:
    """Validated configuration (field names = config keys; see module docstring)."""

    features: tuple[FeatureSpec, ...]
    id_column: str = "customer_id"
    seed: int = 42
    k_range: tuple[int, int] = (2, 10)
    business_k_range: tuple[int, int] = (3, 7)
    fixed_k: int | None = None
    n_init: int = 10
    max_iter: int = 300
    tol: float = 1e-4
    init_sample_size: int | None = 20_000
    skew_threshold: float = 1.0
    outlier_threshold: float | None = 6.0
    silhouette_exact_max: int = 5_000
    silhouette_sample_size: int = 5_000
    n_bootstrap: int = 5
    bootstrap_sample_size: int = 10_000
    bootstrap_n_init: int = 3
    min_stability: float = 0.75
    silhouette_tolerance: float = 0.005
    max_cluster_share: float | None = 0.40
    split_k_range: tuple[int, int] = (2, 4)
    split_fixed_k: int | None = None
    compare_k: tuple[int, ...] = (3, 4, 5)
    revenue_column: str | None = None
    response_column: str | None = None
    max_match_distance: float | None = None
    k_var_name: str | None = None
    naming_rule_set: str = "rfm"

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

    def k_source(self, key: str) -> str:
        """How to name the k setting in error messages: the key inside the
        var when the var is named (var clustering.fixed_k), else the key."""
        if self.k_var_name:
            return f"{self.k_var_name}.{key}"
        return f"config key '{key}'"


def _int(key: str, value: object, *, minimum: int) -> int:
    """An int >= ``minimum`` (integral floats accepted), else a ValueError."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"config key '{key}' must be an integer, got {value!r}")
    if value < minimum:
        raise ValueError(f"config key '{key}' must be >= {minimum}, got {value}")
    return value


def _opt_int(key: str, value: object, *, minimum: int) -> int | None:
    """Like :func:`_int` but ``None`` passes through."""
    return None if value is None else _int(key, value, minimum=minimum)


def _float(
    key: str,
    value: object,
    *,
    low: float | None = None,
    high: float | None = None,
    strict_low: bool = False,
) -> float:
    """A finite number within the bounds, else a ValueError naming the key."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"config key '{key}' must be a number, got {value!r}")
    number = float(value)
    if number != number:  # NaN
        raise ValueError(f"config key '{key}' must not be NaN")
    if low is not None and (number <= low if strict_low else number < low):
        sign = ">" if strict_low else ">="
        raise ValueError(f"config key '{key}' must be {sign} {low:g}, got {number:g}")
    if high is not None and number > high:
        raise ValueError(f"config key '{key}' must be <= {high:g}, got {number:g}")
    return number


def _opt_float(
    key: str,
    value: object,
    *,
    low: float | None = None,
    high: float | None = None,
    strict_low: bool = False,
) -> float | None:
    """Like :func:`_float` but ``None`` passes through."""
    if value is None:
        return None
    return _float(key, value, low=low, high=high, strict_low=strict_low)


def _range(key: str, value: object, *, minimum: int) -> tuple[int, int]:
    """An inclusive ``[min, max]`` pair (list or ``{min, max}`` dict)."""
    if isinstance(value, Mapping):
        value = [value.get("min"), value.get("max")]
    if isinstance(value, str) or not isinstance(value, list | tuple) or len(value) != 2:
        raise ValueError(f"config key '{key}' must be [min, max], got {value!r}")
    lo = _int(f"{key}[0]", value[0], minimum=minimum)
    hi = _int(f"{key}[1]", value[1], minimum=minimum)
    if lo > hi:
        raise ValueError(f"config key '{key}' must have min <= max, got {list(value)}")
    return lo, hi


def _opt_str(key: str, value: object) -> str | None:
    """A non-empty string or ``None``."""
    if value is None:
        return None
    if not isinstance(value, str) or not value:
        raise ValueError(f"config key '{key}' must be a non-empty string or null")
    return value


def _int_list(key: str, value: object, *, minimum: int) -> tuple[int, ...]:
    """A list of ints >= ``minimum``."""
    if isinstance(value, str) or not isinstance(value, list | tuple):
        raise ValueError(f"config key '{key}' must be a list of ints, got {value!r}")
    return tuple(_int(f"{key}[{i}]", v, minimum=minimum) for i, v in enumerate(value))


def parse_config(config: Mapping[str, object]) -> SegmentationConfig:
    """Validate the plain-dict config; errors name the offending key.

    Raises:
        ValueError: on unknown keys, a missing ``features`` key or bad values.
    """
    if not isinstance(config, Mapping):
        raise ValueError(f"config must be a dict, got {type(config).__name__}")
    defaults = {f.name: f.default for f in fields(SegmentationConfig)}
    unknown = sorted(set(config) - set(defaults))
    if unknown:
        raise ValueError(f"unknown config keys {unknown}; allowed: {sorted(defaults)}")
    if "features" not in config:
        raise ValueError(
            "config key 'features' is required: a list of column names or dicts "
            "{name, transform, direction, role}"
        )
    c = {**defaults, **config}
    specs = c["features"]
    if isinstance(specs, str) or not isinstance(specs, list | tuple):
        raise ValueError("config key 'features' must be a non-empty list of features")
    return SegmentationConfig(
        features=tuple(parse_feature_specs(specs)),
        id_column=_opt_str("id_column", c["id_column"]) or "customer_id",
        seed=_int("seed", c["seed"], minimum=0),
        k_range=_range("k_range", c["k_range"], minimum=2),
        business_k_range=_range("business_k_range", c["business_k_range"], minimum=2),
        fixed_k=_opt_int("fixed_k", c["fixed_k"], minimum=1),
        n_init=_int("n_init", c["n_init"], minimum=1),
        max_iter=_int("max_iter", c["max_iter"], minimum=1),
        tol=_float("tol", c["tol"], low=0.0),
        init_sample_size=_opt_int(
            "init_sample_size", c["init_sample_size"], minimum=100
        ),
        skew_threshold=_float("skew_threshold", c["skew_threshold"]),
        outlier_threshold=_opt_float(
            "outlier_threshold", c["outlier_threshold"], low=0.0, strict_low=True
        ),
        silhouette_exact_max=_int(
            "silhouette_exact_max", c["silhouette_exact_max"], minimum=2
        ),
        silhouette_sample_size=_int(
            "silhouette_sample_size", c["silhouette_sample_size"], minimum=2
        ),
        n_bootstrap=_int("n_bootstrap", c["n_bootstrap"], minimum=0),
        bootstrap_sample_size=_int(
            "bootstrap_sample_size", c["bootstrap_sample_size"], minimum=10
        ),
        bootstrap_n_init=_int("bootstrap_n_init", c["bootstrap_n_init"], minimum=1),
        min_stability=_float("min_stability", c["min_stability"], low=-1.0, high=1.0),
        silhouette_tolerance=_float(
            "silhouette_tolerance", c["silhouette_tolerance"], low=0.0
        ),
        max_cluster_share=_opt_float(
            "max_cluster_share",
            c["max_cluster_share"],
            low=0.0,
            high=1.0,
            strict_low=True,
        ),
        split_k_range=_range("split_k_range", c["split_k_range"], minimum=2),
        split_fixed_k=_opt_int("split_fixed_k", c["split_fixed_k"], minimum=2),
        compare_k=_int_list("compare_k", c["compare_k"], minimum=2),
        revenue_column=_opt_str("revenue_column", c["revenue_column"]),
        response_column=_opt_str("response_column", c["response_column"]),
        max_match_distance=_opt_float(
            "max_match_distance", c["max_match_distance"], low=0.0
        ),
        k_var_name=_opt_str("k_var_name", c["k_var_name"]),
        naming_rule_set=_opt_str("naming_rule_set", c["naming_rule_set"]) or "rfm",
    )
