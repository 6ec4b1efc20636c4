"""People-friendly cluster names from a rules table (editable data).

Scores
------
For every cluster and every feature *role* (``recency``, ``frequency``,
``monetary``, ... from the feature spec) the *role score* is the mean of
``sign * z`` over the features with that role, where ``z`` is the centroid in
standardised units and ``sign`` the feature's direction (+1 higher-is-better, -1
lower-is-better). So a recent cluster has a high ``recency`` score even though
``recency_days`` is low. ``value`` is the overall value score (see ordering).

Rules table
-----------
One row per rule. Columns:

``name``
    Cluster name shown to people (unique in the table). The names are a
    vocabulary of their own, distinct from the RFM segment names (seed
    ``segment_definitions``), so a report never shows one name meaning two
    different groups of customers.
``priority``
    Integer; rules are tried from the lowest priority number up.
``<role>_score_min`` / ``<role>_score_max``
    Optional inclusive bounds on a role score (empty = unbounded), e.g.
    ``recency_score_min``, ``monetary_score_max``, ``value_score_min``. A bound on a
    role the feature set lacks is never met. A rule without bounds matches every
    cluster (catch-all).
``description``
    Free text for people (ignored by the code); other extra columns are ignored.
``rule_set`` (optional)
    Which feature set the rule is written for (``rfm``, ``customer_personality``,
    ...): one table holds the rules of every configuration and a run uses the rows
    of its ``naming_rule_set`` (:func:`select_rule_set`). Names are unique within a
    rule set.

Assignment (names are unique in a run)
--------------------------------------
Rules are taken by ascending priority (then name). Among the still unnamed
clusters that meet every bound of the rule, the best-fitting one gets the name:
the largest *margin* (smallest distance between a score and the bound it must
respect, over the rule's bounds; 0 for a catch-all), then the higher value score,
then the lower cluster id. The other matching clusters fall through to the next
rules. A cluster left without a name takes the name of its first matching rule
plus a suffix " 2", " 3", ... (in cluster id order); one that matches no rule is
called "Cluster <id>".
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
import pandas as pd

from segmentation.clustering.errors import SettingError
from segmentation.clustering.features import FeatureSpec

#: Columns of the rules table, in seed order.
RULE_COLUMNS = [
    "name",
    "priority",
    "recency_score_min",
    "recency_score_max",
    "frequency_score_min",
    "frequency_score_max",
    "monetary_score_min",
    "monetary_score_max",
    "description",
]

_ = None
#: Default rules; ``seeds/cluster_naming_rules.csv`` holds the same (a test checks).
#: name, priority, recency min/max, frequency min/max, monetary min/max, description
DEFAULT_RULES: list[tuple[object, ...]] = [
    ("VIP Regulars", 10, 0.3, _, 0.5, _, 0.5, _,
     "Bought recently, buy often and spend the most"),
    ("Steady Buyers", 20, -0.3, _, 0.3, _, 0.0, _,
     "Buy often and spend well, and are still fairly recent"),
    ("Fading Big Buyers", 30, _, -0.5, 0.5, _, 0.5, _,
     "Used to buy often and spend a lot but have not bought for a long time"),
    ("Slipping Spenders", 40, _, -0.3, _, _, 0.0, _,
     "Spent above average but have been inactive for a long time"),
    ("Gone Quiet", 50, _, -0.8, _, -0.3, _, -0.3,
     "Bought little and rarely, long ago"),
    ("Drifting Light Buyers", 60, _, -0.2, _, 0.0, _, 0.0,
     "Low spenders who have not bought for a while"),
    ("Fresh Starters", 70, 0.2, _, _, -0.3, _, _,
     "Bought recently but only once or twice so far"),
    ("Rising Regulars", 80, 0.2, _, -0.3, 0.5, _, _,
     "Recent customers with average frequency who could become regulars"),
    ("Occasional Big Tickets", 90, _, _, _, 0.3, 0.8, _,
     "Spend a lot per visit but do not buy often"),
    ("Middle of the Road", 100, -0.5, 0.5, -0.5, 0.5, -0.5, 0.5,
     "Around average on recency, frequency and spend"),
    ("Mixed Profile", 1000, _, _, _, _, _, _,
     "Catch-all: no rule above fits this cluster"),
]  # fmt: skip

_BOUND = re.compile(r"^(?P<role>[a-z0-9_]+)_score_(?P<side>min|max)$")


def default_naming_rules() -> pd.DataFrame:
    """The default rules (same content as ``seeds/cluster_naming_rules.csv``)."""
    frame = pd.DataFrame(DEFAULT_RULES, columns=RULE_COLUMNS)
    bounds = [c for c in RULE_COLUMNS if c.endswith(("_min", "_max"))]
    frame[bounds] = frame[bounds].astype("float64")
    frame["priority"] = frame["priority"].astype("int64")
    return frame


def select_rule_set(
    rules: pd.DataFrame | None, rule_set: str | None
) -> pd.DataFrame | None:
    """The rows of ``rules`` written for ``rule_set``, without the ``rule_set``
    column; the table unchanged when it has no such column.

    Raises:
        ValueError: when no row belongs to ``rule_set`` (a typo in the config must
            not silently name every cluster by the catch-all), listing the sets.
    """
    if rules is None or "rule_set" not in rules.columns:
        return rules
    if rule_set is None:
        available = sorted(rules["rule_set"].dropna().astype(str).unique())
        raise SettingError(
            f"naming rules: the rules table holds the rule sets {available}; "
            "name the one to use in $key",
            "naming_rule_set",
        )
    chosen = rules.loc[rules["rule_set"] == rule_set].drop(columns="rule_set")
    if chosen.empty:
        available = sorted(rules["rule_set"].dropna().astype(str).unique())
        raise SettingError(
            f"naming rules: no rule has rule_set '{rule_set}' ($key); the rules "
            f"table has {available}",
            "naming_rule_set",
        )
    return chosen.reset_index(drop=True)


def validate_rules(rules: pd.DataFrame) -> list[tuple[str, str, str]]:
    """Check a rules table; return its bound columns as ``(column, role, side)``.

    Raises:
        ValueError: on missing ``name``/``priority``, duplicate names, or
            non-numeric bounds.
    """
    for col in ("name", "priority"):
        if col not in rules.columns:
            raise ValueError(f"naming rules need a '{col}' column")
    names = rules["name"]
    if names.isna().any() or (names.astype(str).str.strip() == "").any():
        raise ValueError("naming rules: every rule needs a non-empty name")
    dupes = sorted(set(names[names.duplicated()].astype(str)))
    if dupes:
        raise ValueError(f"naming rules: duplicate names {dupes}")
    if pd.to_numeric(rules["priority"], errors="coerce").isna().any():
        raise ValueError("naming rules: 'priority' must be a number on every row")
    bounds = []
    for col in rules.columns:
        m = _BOUND.match(str(col))
        if m:
            if (
                pd.to_numeric(rules[col], errors="coerce").isna().sum()
                != rules[col].isna().sum()
            ):
                raise ValueError(
                    f"naming rules: column '{col}' must be numeric or empty"
                )
            bounds.append((str(col), m.group("role"), m.group("side")))
    return bounds


def role_scores(
    centroids_z: np.ndarray, specs: Sequence[FeatureSpec], cluster_ids: Sequence[int]
) -> pd.DataFrame:
    """Role scores (``<role>_score``) and ``value_score`` per cluster.

    Args:
        centroids_z: ``(k, p)`` centroids in z units, rows in ``cluster_ids`` order.
        specs: The kept feature specs (column order of ``centroids_z``).
        cluster_ids: Id of every row.
    """
    centroids_z = np.atleast_2d(np.asarray(centroids_z, dtype=np.float64))
    signs = np.array([s.sign for s in specs])
    out = pd.DataFrame({"cluster_id": list(cluster_ids)})
    roles = sorted({s.role for s in specs if s.role})
    for role in roles:
        cols = [j for j, s in enumerate(specs) if s.role == role and s.sign != 0]
        if cols:
            out[f"{role}_score"] = (centroids_z[:, cols] * signs[cols]).mean(axis=1)
    used = signs != 0
    out["value_score"] = (
        (centroids_z[:, used] * signs[used]).mean(axis=1)
        if used.any()
        else np.zeros(len(out))
    )
    return out


def _margins(scores: pd.DataFrame, rule: pd.Series, bounds: list) -> np.ndarray:
    """Per cluster: the rule's margin (>= 0 when every bound is met, else -inf)."""
    margin = np.full(len(scores), np.inf)
    for col, role, side in bounds:
        bound = rule[col]
        if pd.isna(bound):
            continue
        score_col = f"{role}_score"
        if score_col not in scores.columns:
            return np.full(len(scores), -np.inf)
        s = scores[score_col].to_numpy(dtype=np.float64)
        gap = s - float(bound) if side == "min" else float(bound) - s
        margin = np.minimum(margin, gap)
    margin[np.isposinf(margin)] = 0.0  # no bound: catch-all
    return np.where(margin >= 0, margin, -np.inf)


def name_clusters(
    scores: pd.DataFrame, rules: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Give every cluster a unique name (algorithm in the module docstring).

    Args:
        scores: Output of :func:`role_scores` (``cluster_id``, ``<role>_score``...,
            ``value_score``).
        rules: Rules table (default :func:`default_naming_rules`).

    Returns:
        ``cluster_id``, ``cluster_name``, ``naming_rule`` (rule behind the name, null
        for "Cluster <id>"), ``rule_margin``; sorted by cluster id.
    """
    rules = default_naming_rules() if rules is None else rules
    bounds = validate_rules(rules)
    ordered = rules.assign(
        _p=pd.to_numeric(rules["priority"]), _n=rules["name"].astype(str)
    )
    ordered = ordered.sort_values(["_p", "_n"], kind="mergesort").reset_index(drop=True)
    scores = scores.sort_values("cluster_id").reset_index(drop=True)
    k = len(scores)
    ids = scores["cluster_id"].to_numpy()
    value = scores["value_score"].to_numpy(dtype=np.float64)
    margins = (
        np.vstack([_margins(scores, rule, bounds) for _, rule in ordered.iterrows()])
        if len(ordered)
        else np.zeros((0, k))
    )
    names: list[str | None] = [None] * k
    rule_of: list[str | None] = [None] * k
    margin_of = np.full(k, np.nan)
    for r, rule in ordered.iterrows():
        cand = [i for i in range(k) if names[i] is None and np.isfinite(margins[r, i])]
        if not cand:
            continue
        best = min(cand, key=lambda i: (-margins[r, i], -value[i], ids[i]))
        names[best] = rule_of[best] = str(rule["name"])
        margin_of[best] = margins[r, best]
    taken = {n for n in names if n is not None}
    for i in range(k):
        if names[i] is not None:
            continue
        matching = np.flatnonzero(np.isfinite(margins[:, i])) if len(ordered) else []
        if len(matching):
            r = int(matching[0])
            base = str(ordered.loc[r, "name"])
            rule_of[i], margin_of[i] = base, margins[r, i]
        else:
            base = f"Cluster {ids[i]}"
        candidate, suffix = base, 2
        while candidate in taken:
            candidate, suffix = f"{base} {suffix}", suffix + 1
        names[i] = candidate
        taken.add(candidate)
    return pd.DataFrame(
        {
            "cluster_id": ids,
            "cluster_name": names,
            "naming_rule": pd.Series(rule_of, dtype=object),
            "rule_margin": margin_of,
        }
    )
