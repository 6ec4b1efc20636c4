"""Names as the report shows them, in its language: segments, clusters,
sub-clusters, features, and the anchors profiles are opened by."""

from __future__ import annotations

import re

import pandas as pd

from segmentation.report.i18n import Language
from segmentation.report.seed_texts import CLUSTER_NAME, RFM_SEGMENT


def segment_name(lang: Language, name: str) -> str:
    return lang.seed(*RFM_SEGMENT, name)


def cluster_name(lang: Language, name: str, rule: str | None = None) -> str:
    """A cluster's name in `lang`. Two clusters matched by one naming rule
    are told apart by a number after the rule's name ("Lost 2"): the rule's
    name is translated and the number kept."""
    if not isinstance(name, str):
        return ""
    if isinstance(rule, str) and rule and name != rule and name.startswith(rule):
        return lang.seed(*CLUSTER_NAME, rule) + name[len(rule) :]
    suffix = re.fullmatch(r"(.*\S) (\d+)", name)
    if suffix and (CLUSTER_NAME[0], CLUSTER_NAME[1], suffix[1]) in lang.seeds.table:
        return lang.seed(*CLUSTER_NAME, suffix[1]) + " " + suffix[2]
    return lang.seed(*CLUSTER_NAME, name)


def cluster_title(lang: Language, cluster_id: int, name: str, rule=None) -> str:
    return lang.t(
        "cluster.title", id=int(cluster_id), name=cluster_name(lang, name, rule)
    )


def cluster_names(lang: Language, profiles: pd.DataFrame | None) -> dict[int, str]:
    """{cluster id: "1. Name"} for every published cluster."""
    if profiles is None:
        return {}
    rules = profiles.get("naming_rule")
    return {
        int(row.cluster_id): cluster_title(
            lang,
            row.cluster_id,
            row.cluster_name,
            None if rules is None else rules.iloc[index],
        )
        for index, row in enumerate(profiles.itertuples(index=False))
    }


def feature_label(lang: Language, feature: str) -> str:
    """A clustering feature in words: the translation table's label when it
    has one (feature.income), else the column name with spaces."""
    return lang.t_or(f"feature.{feature}", feature.replace("_", " "))


def slug(text: object) -> str:
    """Letters and digits of `text` joined by hyphens, for file names."""
    return re.sub(r"[^a-z0-9]+", "-", str(text).lower()).strip("-") or "list"
