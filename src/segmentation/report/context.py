"""What every page module needs: the data, the language, the content being
filled, and the figures several pages share (the default movement between
two dates, the clusters' shown names)."""

from __future__ import annotations

from dataclasses import dataclass, field

from segmentation.report.content import ReportContent
from segmentation.report.data import ReportData
from segmentation.report.flows import PairFlows, default_pair, pair_flows
from segmentation.report.i18n import Language
from segmentation.report.labels import cluster_names


@dataclass
class Context:
    data: ReportData
    lang: Language
    content: ReportContent
    seed: int = 42
    list_limit: int = 10_000
    pair: PairFlows | None = None
    cluster_titles: dict[int, str] = field(default_factory=dict)
    # Rows of seed cluster_playbook (persona, strategy, KPIs per cluster
    # name), for names the published tables carry none for.
    cluster_playbook: list[dict[str, str]] = field(default_factory=list)

    @classmethod
    def create(
        cls,
        data: ReportData,
        lang: Language,
        seed: int,
        list_limit: int,
        cluster_playbook: list[dict[str, str]] | None = None,
    ) -> Context:
        context = cls(
            data,
            lang,
            ReportContent(lang=lang),
            seed,
            list_limit,
            cluster_playbook=cluster_playbook or [],
        )
        if data.history is not None:
            pair = default_pair(data.history.dates)
            if pair is not None:
                context.pair = pair_flows(data.history, *pair)
        context.cluster_titles = cluster_names(lang, data.cluster_profiles)
        return context

    @property
    def segments(self) -> list[str]:
        """Segment names in rank order, as the history codes them."""
        return [] if self.data.history is None else self.data.history.segments
