"""K-means customer segmentation: the numerics, which know nothing of where
their settings and data come from.

Callers pass pandas DataFrames and a plain dict of settings and get DataFrames
back; all randomness comes from the ``seed`` setting; errors are typed and name
the setting that fixes them (:mod:`.errors`). Main entry point:
:func:`segment_customers`. Building blocks, usable on their own:

* :mod:`.features` - feature spec, imputation, transforms, z-scores;
* :mod:`.outliers` - outlier flags (z beyond a threshold, capped share);
* :mod:`.kmeans_core` - seeded K-means (k-means++ and Lloyd in numpy);
* :mod:`.metrics` / :mod:`.selection` - quality measures and the choice of k;
* :mod:`.ordering` / :mod:`.labelling` - stable cluster ids;
* :mod:`.naming` - cluster names from a rules table;
* :mod:`.profiles` - per-cluster profiles and category mixes;
* :mod:`.split` - splitting oversized clusters;
* :mod:`.compare` - several k side by side;
* :mod:`.warm_start` / :mod:`.side_warm_start` - a refresh starting its main
  fit, side-by-side k and splits from the stored run's centroids;
* :mod:`.config` / :mod:`.pipeline` - the settings (declared once, with their
  documentation) and orchestration;
* :mod:`.errors` - typed errors that name the settings able to fix them.
"""

from segmentation.clustering.compare import Comparison, compare_k_values
from segmentation.clustering.config import (
    SegmentationConfig,
    describe_settings,
    parse_config,
)
from segmentation.clustering.errors import (
    ClusteringError,
    InputDataError,
    SettingError,
    TooFewDistinctPointsError,
)
from segmentation.clustering.features import (
    FeatureDroppedWarning,
    FeatureMatrix,
    FeatureSpec,
    parse_feature_specs,
    prepare_features,
)
from segmentation.clustering.kmeans_core import KMeansResult, kmeans, predict
from segmentation.clustering.labelling import LabelledClusters, label_customers
from segmentation.clustering.naming import (
    default_naming_rules,
    name_clusters,
    role_scores,
)
from segmentation.clustering.ordering import assign_cluster_ids, value_scores
from segmentation.clustering.outliers import OutlierResult, flag_outliers
from segmentation.clustering.pipeline import SegmentationResult, segment_customers
from segmentation.clustering.profiles import (
    category_mix,
    cluster_profiles,
    response_rates,
)
from segmentation.clustering.selection import (
    Gates,
    SelectionParams,
    SelectionResult,
    choose_k,
    evaluate_k_range,
)
from segmentation.clustering.split import SplitResult, split_oversized_clusters

__all__ = [
    "ClusteringError",
    "Comparison",
    "FeatureDroppedWarning",
    "FeatureMatrix",
    "FeatureSpec",
    "Gates",
    "InputDataError",
    "KMeansResult",
    "LabelledClusters",
    "OutlierResult",
    "SegmentationConfig",
    "SegmentationResult",
    "SelectionParams",
    "SelectionResult",
    "SettingError",
    "SplitResult",
    "TooFewDistinctPointsError",
    "assign_cluster_ids",
    "category_mix",
    "choose_k",
    "cluster_profiles",
    "compare_k_values",
    "default_naming_rules",
    "describe_settings",
    "evaluate_k_range",
    "flag_outliers",
    "kmeans",
    "label_customers",
    "name_clusters",
    "parse_config",
    "parse_feature_specs",
    "predict",
    "prepare_features",
    "response_rates",
    "role_scores",
    "segment_customers",
    "split_oversized_clusters",
    "value_scores",
]
