"""What the report says, as formatted text in one language: the figures of
`ReportData` turned into sentences, tables, profiles and charts, one module
per page of the report. The HTML template only lays these out; the page's
script only draws what is here."""

from __future__ import annotations

from dataclasses import dataclass, field

from segmentation.report.charts import Chart
from segmentation.report.i18n import Language


@dataclass
class Cell:
    """A table cell: what it shows, and what it sorts by (a number for
    numeric columns, so 1,245 sorts after 856)."""

    text: str
    sort: float | str | None = None


@dataclass
class Table:
    """A table the reader sorts and filters; a row may open a profile."""

    table_id: str
    columns: list[tuple[str, bool]]  # (label, numeric)
    rows: list[tuple[list[Cell], str | None]]  # (cells, profile anchor)
    filterable: bool = True


@dataclass
class Download:
    """A profile's customer list: the group key the script filters on."""

    group: str
    filename: str
    label: str
    note: str


@dataclass
class Profile:
    """A segment's, a cluster's or a sub-cluster's profile."""

    anchor: str
    kind: str  # segment, cluster, sub_cluster
    title: str
    description: str | None = None
    action: str | None = None
    persona: str | None = None
    strategy: str | None = None
    facts: list[tuple[str, str]] = field(default_factory=list)
    # A cluster's mean of every feature: on screen only, as the printed
    # edition has them side by side in one table.
    features: list[tuple[str, str]] = field(default_factory=list)
    trend: list[str] = field(default_factory=list)
    playbook: list[tuple[str, str]] = field(default_factory=list)
    kpis: list[str] = field(default_factory=list)
    download: Download | None = None
    chart_id: str | None = None


@dataclass
class Page:
    """One page (tab) of the report; absent pages are not shown."""

    page_id: str
    title: str


@dataclass
class ReportContent:
    """Everything the template shows and the script draws."""

    lang: Language
    title: str = ""
    subtitle: str = ""
    pages: list[Page] = field(default_factory=list)
    headline: list[tuple[str, str]] = field(default_factory=list)
    findings: list[str] = field(default_factory=list)
    currency_note: str = ""
    charts: dict[str, Chart] = field(default_factory=dict)
    tables: dict[str, Table] = field(default_factory=dict)
    notes: dict[str, str] = field(default_factory=dict)
    facts: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    segments: list[Profile] = field(default_factory=list)
    clusters: list[Profile] = field(default_factory=list)
    sub_clusters: list[Profile] = field(default_factory=list)
    cluster_choice: str | None = None
    selection_reason: str | None = None
    sankey: dict | None = None
    customer_table: dict | None = None
    texts: dict[str, str] = field(default_factory=dict)

    def add_chart(self, chart: Chart) -> None:
        self.charts[chart.chart_id] = chart

    def add_table(self, table: Table) -> None:
        self.tables[table.table_id] = table

    def has_page(self, page_id: str) -> bool:
        return any(page.page_id == page_id for page in self.pages)
