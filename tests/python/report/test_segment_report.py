"""The segment report generated from a real published file of the demo
data: its sentences, tables and charts' data against independent SQL on
that file, English and French, and files other configurations publish
(no history, clusters only, a build database, a reporting currency, a
customer table's features).

All in one module so the session's published file is built once per
pytest worker (the suite runs with --dist loadfile)."""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from report_pages import SEED_TRANSLATIONS, copy_published, make_report, query
from value_tables import HORIZON_DAYS, LIKELY_LOST, VALUE_TABLES_SQL

from segmentation.report.cli import main
from segmentation.report.i18n import translation_table
from segmentation.report.seed_texts import read_seed_translations

PAGES = [
    "overview",
    "segments",
    "movement",
    "clusters",
    "value",
    "budget",
    "appendix",
]
# The customer value tables, which the default build publishes.
VALUE_TABLES = [
    "customer_value_predictions",
    "clv_model_parameters",
    "segment_value_forecast",
    "clv_holdout_validation",
    "segment_churn",
    "segment_churn_alerts",
]
# The segment history tables, and with them the RFM segment tables: what a
# file built from a customer table (clusters only) lacks.
HISTORY_TABLES = ["customer_segment_history", "segment_transitions", "customer_alerts"]
RFM_TABLES = ["customer_segments", "segment_summary", *HISTORY_TABLES]


def money(value: float, currency: str | None, decimals: int = 0) -> str:
    """An amount as an English reader expects it, with the currency sign
    the file records (written here, not with the report's formatter)."""
    number = f"{value:,.{decimals}f}"
    return {None: number, "GBP": f"£{number}", "EUR": f"€{number}"}[currency]


@pytest.fixture
def demo_copy(published_demo, tmp_path) -> Callable[..., Path]:
    """Copies the published demo file into the test's folder as `name`.duckdb,
    as another configuration would publish it (see copy_published)."""

    def copy(name: str, dropped=(), sql=()) -> Path:
        target = tmp_path / f"{name}.duckdb"
        return copy_published(published_demo.path, target, dropped, sql)

    return copy


@pytest.fixture(scope="module")
def currency(published_demo) -> str | None:
    columns = {
        c
        for (c,) in query(
            published_demo.path,
            "select column_name from "
            "duckdb_columns() where table_name = 'publish_metadata'",
        )
    }
    if "reporting_currency" not in columns:
        return None
    [(code,)] = query(
        published_demo.path, "select reporting_currency from publish_metadata"
    )
    return code


def default_pair(db) -> tuple:
    """The latest as-of date and the latest one a quarter (91 days) before
    it, else 28 days, else the one before it: from the history itself."""
    dates = [
        d
        for (d,) in query(
            db, "select distinct as_of_date from customer_segment_history order by 1"
        )
    ]
    last = dates[-1]
    for gap in (91, 28):
        earlier = [d for d in dates[:-1] if (last - d).days >= gap]
        if earlier:
            return earlier[-1], last
    return dates[-2], last


# --- the overview --------------------------------------------------------------


def test_pages_in_order(report_en):
    ids = re.findall(r'<section class="page" id="([a-z]+)"', report_en.text)
    assert ids == PAGES
    tabs = re.findall(r'<a href="#([a-z]+)" class="tab"', report_en.text)
    assert tabs == PAGES


def test_headline_counts_customers_and_revenue(published_demo, report_en, currency):
    [(customers, revenue, as_of)] = query(
        published_demo.path,
        "select count(*), sum(monetary), max(as_of_date) from customer_segments",
    )
    text = report_en.section("overview")
    assert f"{customers:,} customers analysed" in text
    assert f"{money(revenue, currency)} net revenue" in text
    assert f"{as_of.day} {as_of:%B %Y} as-of date" in text


def test_top_segment_sentence(published_demo, report_en):
    rows = query(
        published_demo.path,
        "select segment_name, count(*), sum(monetary) from customer_segments "
        "group by segment_name",
    )
    customers = sum(r[1] for r in rows)
    revenue = sum(r[2] for r in rows)
    name, count, segment_revenue = max(rows, key=lambda r: r[2])
    expected = (
        f"The {name} segment holds {segment_revenue / revenue:.1%} of revenue with "
        f"{count:,} customers ({count / customers:.1%} of all customers)."
    )
    assert expected in report_en.visible


def test_customers_needing_action_sentence(published_demo, report_en):
    [(action, customers)] = query(
        published_demo.path,
        "select (select count(distinct customer_id) from customer_alerts "
        "where alert_type <> 'lost'), (select count(*) from customer_segments)",
    )
    assert action > 0
    expected = f"{action:,} customers ({action / customers:.1%}) need action now"
    assert expected in report_en.visible


def test_what_moved_over_a_quarter(published_demo, report_en):
    before, after = default_pair(published_demo.path)
    assert (after - before).days >= 91
    [(changed, both, new)] = query(
        published_demo.path,
        """
        with before as (
            select customer_id, segment_name from customer_segment_history
            where as_of_date = $1
        ),
        after as (
            select customer_id, segment_name from customer_segment_history
            where as_of_date = $2
        )
        select
            count(*) filter (where before.segment_name <> after.segment_name),
            count(before.customer_id),
            count(*) filter (where before.customer_id is null)
        from after left join before using (customer_id)
        """,
        [before, after],
    )
    expected = (
        f"Since {before.day} {before:%B %Y}, {changed:,} returning customers "
        f"({changed / both:.1%}) changed segment, and {new:,} new customers were "
        "scored."
    )
    assert expected in report_en.visible


def test_pareto_sentence(published_demo, report_en):
    amounts = sorted(
        (
            m
            for (m,) in query(
                published_demo.path, "select monetary from customer_segments"
            )
        ),
        reverse=True,
    )
    top = math.ceil(0.2 * len(amounts))
    share = sum(amounts[:top]) / sum(amounts)
    expected = f"The top 20% of customers bring {share:.1%} of net revenue."
    assert expected in report_en.visible


def test_currency_wording_without_a_recorded_currency(report_en, currency):
    if currency is None:
        assert "the build recorded no reporting currency" in report_en.visible
        assert "£" not in report_en.visible
    else:
        assert f"net revenue in {currency}, the reporting currency" in report_en.visible


def test_a_recorded_reporting_currency_is_shown_everywhere(demo_copy, tmp_path):
    db = demo_copy(
        "gbp",
        sql=[
            "alter table publish_metadata drop column if exists reporting_currency",
            "alter table publish_metadata add column reporting_currency varchar",
            "update publish_metadata set reporting_currency = 'GBP'",
        ],
    )
    report = make_report(db, tmp_path / "r.html", currency="EUR")
    [(revenue,)] = query(db, "select sum(monetary) from customer_segments")
    assert f"{money(revenue, 'GBP')} net revenue" in report.visible
    assert "net revenue in GBP, the reporting currency" in report.visible
    header = report.table("table-segments")[0]
    assert "net revenue (£)" in header
    budget = report.table("table-budget-rfm_segment")
    [(first_budget,)] = query(
        db,
        "select budget from segment_budget where segment_type = 'rfm_segment' "
        "order by segment_rank limit 1",
    )
    assert budget[1][3] == money(float(first_budget), "GBP", 2)
    assert "€" not in report.visible  # the file's currency wins over --currency


# --- segments ----------------------------------------------------------------


def test_segment_table_against_sql(published_demo, report_en, currency):
    rows = report_en.table("table-segments")
    expected = query(
        published_demo.path,
        """
        select segment_name, count(*), sum(monetary),
            sum(monetary) / sum(frequency), min(segment_rank)
        from customer_segments group by segment_name order by 5
        """,
    )
    shown = {r[0]: r for r in rows[1:]}
    for name, customers, revenue, order_value, _ in expected:
        assert shown[name][1] == f"{customers:,}", name
        assert shown[name][3] == money(revenue, currency), name
        assert shown[name][5] == money(order_value, currency, 2), name
    # In rank order, as the seed ranks them.
    assert [r[0] for r in rows[1:]] == [e[0] for e in expected]


def test_one_profile_per_segment_and_cluster(published_demo, report_en):
    segments = query(
        published_demo.path,
        "select min(segment_rank), segment_name from customer_segments group by 2",
    )
    for rank, name in segments:
        match = re.search(
            rf'<article class="profile" id="segment-{rank}".*?</article>',
            report_en.text,
            re.S,
        )
        assert match, name
        assert f"<h3>{name}</h3>" in match.group(0).replace("&#39;", "'")
        assert f'data-group="segment:{name}"'.replace("'", "&#39;") in match.group(0)
    clusters = query(
        published_demo.path,
        "select cluster_id, cluster_name, count(*) from customer_clusters group by all",
    )
    for cluster_id, name, customers in clusters:
        match = re.search(
            rf'<article class="profile" id="cluster-{cluster_id}".*?</article>',
            report_en.text,
            re.S,
        )
        assert match, name
        assert f"{cluster_id}. {name}" in match.group(0)
        assert f"Customers in the segment (now {customers:,})" in match.group(0)


def test_rf_heat_maps_against_sql(published_demo, report_en):
    counts = report_en.payload["charts"]["chart-rf-customers"]["figure"]["data"][0]
    means = report_en.payload["charts"]["chart-rf-value"]["figure"]["data"][0]
    for r, f, customers, mean in query(
        published_demo.path,
        "select r_score, f_score, count(*), avg(monetary) from customer_segments "
        "group by all",
    ):
        assert counts["z"][r - 1][f - 1] == customers
        assert means["z"][r - 1][f - 1] == pytest.approx(mean)
    assert counts["y"] == ["1", "2", "3", "4", "5"]  # R 5 drawn on top


def test_distributions_count_every_customer_by_score(published_demo, report_en):
    by_score = dict(
        query(
            published_demo.path,
            "select r_score, count(*) from customer_segments group by 1",
        )
    )
    traces = report_en.payload["charts"]["chart-recency-distribution"]["figure"]["data"]
    assert [t["name"] for t in traces] == [f"R {s}" for s in range(1, 6)]
    for score, trace in enumerate(traces, start=1):
        assert sum(trace["y"]) == by_score.get(score, 0)
    frequency = report_en.payload["charts"]["chart-frequency-distribution"]["figure"]
    [(once,)] = query(
        published_demo.path,
        "select count(*) from customer_segments where frequency = 1",
    )
    assert frequency["data"][0]["x"][0] == "1"
    assert sum(t["y"][0] for t in frequency["data"]) == once


# --- over time -----------------------------------------------------------------


def test_segment_shares_over_time_against_sql(published_demo, report_en):
    figure = report_en.payload["charts"]["chart-segment-shares-over-time"]
    customers, revenue = (fig for _, fig in figure["variants"])
    for date, name, share_customers, share_revenue in query(
        published_demo.path,
        """
        with sizes as (
            select as_of_date, segment_name, count(*) as n, sum(monetary) as m
            from customer_segment_history group by all
        )
        select as_of_date, segment_name,
            n / sum(n) over (partition by as_of_date),
            m / sum(m) over (partition by as_of_date)
        from sizes
        """,
    ):
        trace = next(t for t in customers["data"] if t["name"] == name)
        index = trace["x"].index(date.isoformat())
        assert trace["y"][index] == pytest.approx(share_customers)
        trace = next(t for t in revenue["data"] if t["name"] == name)
        assert trace["y"][index] == pytest.approx(share_revenue)


def test_sankey_flows_against_sql(published_demo, report_en):
    sankey = report_en.payload["sankey"]
    dates = sankey["dates"]
    before, after = default_pair(published_demo.path)
    assert dates[sankey["from"]] == before.isoformat()
    assert dates[sankey["to"]] == after.isoformat()
    assert len(sankey["flows"]) == len(dates) * (len(dates) - 1) // 2
    names = sankey["segments"]
    size = len(names)
    for first, second in ((0, len(dates) - 1), (sankey["from"], sankey["to"])):
        flat = sankey["flows"][f"{first}-{second}"]
        shown = {(flat[i], flat[i + 1]): flat[i + 2] for i in range(0, len(flat), 3)}
        expected = {}
        for source, target, customers in query(
            published_demo.path,
            """
            with a as (select customer_id, segment_name from customer_segment_history
                       where as_of_date = $1::date),
                 b as (select customer_id, segment_name from customer_segment_history
                       where as_of_date = $2::date)
            select a.segment_name, b.segment_name, count(*)
            from a full outer join b using (customer_id) group by all
            """,
            [dates[first], dates[second]],
        ):
            key = (
                size if source is None else names.index(source),
                size if target is None else names.index(target),
            )
            expected[key] = customers
        assert shown == expected


def test_alerts_over_time_end_at_todays_alerts(published_demo, report_en):
    figure = report_en.payload["charts"]["chart-alerts-over-time"]["figure"]
    today = dict(
        query(
            published_demo.path,
            "select alert_type, count(*) from customer_alerts "
            "where alert_type in ('inactive', 'lost') group by 1",
        )
    )
    traces = {t["name"]: t["y"] for t in figure["data"]}
    assert traces["inactive"][-1] == today["inactive"]
    assert traces["lost"][-1] == today["lost"]
    assert len(traces["lost"]) == len(report_en.payload["sankey"]["dates"])


# --- clusters ------------------------------------------------------------------


def test_cluster_choice_in_one_plain_sentence(published_demo, report_en):
    [(k, tried, low, high)] = query(
        published_demo.path,
        "select (select count(distinct cluster_id) from customer_clusters), "
        "count(*), min(k), max(k) from cluster_model_selection",
    )
    lead = re.search(r'<p class="lead">(.*?)</p>', report_en.text, re.S).group(1)
    assert lead.startswith(f"The customers fall into {k} clusters: of the {tried} ")
    assert f"({low} to {high})" in lead
    for jargon in ("silhouette", "Davies", "Calinski", "ARI", "inertia"):
        assert jargon.lower() not in lead.lower()
    appendix = report_en.section("appendix")
    for figure in ("Davies-Bouldin", "Calinski-Harabasz", "stability", "silhouette"):
        assert figure in appendix
    assert "Davies-Bouldin" not in report_en.section("clusters")


def test_cluster_features_in_their_own_terms(published_demo, report_en):
    rows = report_en.table("table-cluster-features")
    header, body = rows[0], {r[0]: r[1:] for r in rows[1:]}
    means = query(
        published_demo.path,
        """
        select clusters.cluster_id, avg(segments.recency_days), avg(segments.frequency)
        from customer_clusters as clusters
        inner join customer_segments as segments using (customer_id)
        group by 1 order by 1
        """,
    )
    assert len(header) == len(means) + 1
    for position, (_, recency, frequency) in enumerate(means):
        assert body["days since the last purchase"][position] == f"{recency:,.0f} days"
        assert body["orders per customer"][position] == f"{frequency:,.1f}"


def test_three_four_five_clusters_side_by_side(published_demo, report_en):
    rows = report_en.table("table-k-comparison")
    ks = [
        k
        for (k,) in query(
            published_demo.path, "select k from cluster_comparison order by k"
        )
    ]
    assert [h.split()[0] for h in rows[0][1:]] == [str(k) for k in ks]
    [(chosen, smallest, largest)] = query(
        published_demo.path,
        """
        with sizes as (
            select cluster_id, count(*) as n from customer_clusters group by 1
        )
        select count(*), min(n), max(n) from sizes
        """,
    )
    column = ks.index(chosen) + 1
    assert "(chosen)" in rows[0][column]
    assert rows[1][column].startswith(f"{smallest:,} (")
    assert rows[2][column].startswith(f"{largest:,} (")


def test_sub_segments_are_profiled(published_demo, report_en):
    subs = query(
        published_demo.path,
        "select cluster_id, sub_cluster_id, sub_cluster_name, count(*) "
        "from customer_clusters where sub_cluster_id is not null group by all",
    )
    assert subs, "the demo splits its largest cluster"
    for cluster_id, sub_id, name, customers in subs:
        match = re.search(
            rf'id="subcluster-{cluster_id}-{sub_id}".*?</article>', report_en.text, re.S
        )
        assert match
        assert f"{cluster_id}.{sub_id} {name}" in match.group(0)
        assert f"{customers:,} (" in match.group(0)


def test_personas_from_a_published_table(demo_copy, tmp_path):
    db = demo_copy(
        "personas",
        sql=[
            "create table cluster_playbook as select distinct sub_cluster_name "
            "as cluster_name, 'Used to buy, now waiting for a reason' as persona, "
            "'A reason to come back' as strategy, 'Second orders within 30 days; "
            "days to reorder' as kpis from customer_clusters "
            "where sub_cluster_name is not null"
        ],
    )
    report = make_report(db, tmp_path / "r.html")
    clusters = report.section("clusters")
    assert "Persona: Used to buy, now waiting for a reason" in clusters
    assert "Strategy: A reason to come back" in clusters
    assert "Second orders within 30 days days to reorder" in clusters
    assert "No persona, strategy or KPIs were published" not in clusters


def test_sub_segment_personas_from_the_playbook_seed(published_demo, tmp_path):
    names = [
        n
        for (n,) in query(
            published_demo.path,
            "select distinct sub_cluster_name from customer_clusters "
            "where sub_cluster_name is not null order by 1",
        )
    ]
    published = [
        n
        for (n,) in query(
            published_demo.path, "select naming_rule from cluster_profiles"
        )
    ]
    playbook = tmp_path / "cluster_playbook.csv"
    # The rule set the build named its clusters by is the one read.
    playbook.write_text(
        "rule_set,cluster_name,persona,strategy,kpis\n"
        + "".join(f"rfm,{n},Persona of {n},Strategy,KPI\n" for n in published)
        + "".join(
            f"other,{n},Wrong rule set,Wrong,wrong\n"
            f"rfm,{n},Persona of {n},Strategy of {n},first KPI of {n}; second\n"
            for n in names
        ),
        encoding="utf-8",
    )
    report = make_report(
        published_demo.path, tmp_path / "r.html", cluster_playbook=playbook
    )
    for name in names:
        match = re.search(
            rf'<article class="profile static" id="subcluster-[^"]*"[^>]*>\s*'
            rf'<header class="profile-head">\s*<h3>\d+\.\d+ {name}</h3>.*?</article>',
            report.text.replace("&#39;", "'"),
            re.S,
        )
        assert match, name
        assert f"Persona of {name}" in match.group(0)
        assert f"<li>first KPI of {name}</li><li>second</li>" in match.group(0)
        assert "Wrong rule set" not in match.group(0)


def test_a_customer_table_is_profiled_in_its_own_terms(demo_copy, tmp_path):
    """Income, spend per product family and channels, as the Customer
    Personality configuration publishes them."""
    features = [
        ("income", "income", 60000.0, 30000.0),
        ("spend_wines", "monetary", 500.0, 20.0),
        ("spend_meat", "monetary", 400.0, 15.0),
        ("spend_fish", "monetary", 90.0, 4.0),
        ("purchases_web", "frequency", 5.0, 2.0),
        ("purchases_catalog", "frequency", 5.5, 0.5),
        ("purchases_store", "frequency", 8.5, 3.0),
    ]
    values = ", ".join(
        f"({cid}, {pos}, '{name}', '{role}', {high if cid == 1 else low}, "
        f"{1.0 if cid == 1 else -1.0})"
        for pos, (name, role, high, low) in enumerate(features, start=1)
        for cid in (1, 2, 3)
    )
    db = demo_copy(
        "customer_table",
        dropped=[*RFM_TABLES, "cluster_segment_mix"],
        sql=[
            # The recorded currency wins over the report's option.
            "update publish_metadata set reporting_currency = 'EUR'",
            "delete from cluster_feature_profiles",
            "insert into cluster_feature_profiles (cluster_id, feature_position, "
            "feature, feature_role, mean_value, centroid_z) values " + values,
            "update cluster_feature_profiles set is_clustered_on = true, "
            "feature_direction = 'neutral', feature_transform = 'none'",
        ],
    )
    report = make_report(db, tmp_path / "r.html", currency="EUR")
    rows = {r[0]: r[1:] for r in report.table("table-cluster-features")[1:]}
    assert rows["yearly household income"][0] == "€60,000"
    assert rows["spend on wines"][1] == "€20"
    assert rows["store purchases"][0] == "8.5"
    charts = report.payload["charts"]
    assert "Spend per product family, by cluster" in report.text
    assert "Purchases per channel, by cluster" in report.text
    wines = charts["chart-cluster-mix-monetary"]["figure"]["data"][0]
    assert wines["x"] == ["spend on wines", "spend on meat", "spend on fish"]
    assert wines["y"] == [500.0, 400.0, 90.0]
    assert 'id="segments"' not in report.text and 'id="movement"' not in report.text


# --- customer lists ----------------------------------------------------------------


def test_customer_lists_carry_ids_and_figures_only(published_demo, report_en):
    table = report_en.payload["customers"]
    assert table["columns"][0] == "customer_id"
    assert not {"email", "phone", "hashed_email", "hashed_phone"} & set(
        table["columns"]
    )
    [(champions,)] = query(
        published_demo.path,
        "select count(*) from customer_segments where segment_name = 'Champions'",
    )
    segments = table["groups"]["segment"]
    code = segments["labels"].index("Champions")
    assert segments["codes"].count(code) == champions
    # Highest revenue first, so a capped list keeps the most valuable.
    monetary = table["values"]["monetary"]
    assert monetary == sorted(monetary, reverse=True)


def test_contacts_never_reach_the_page(demo_copy, tmp_path):
    db = demo_copy(
        "contacts",
        sql=[
            "alter table customer_segments add column email varchar",
            "update customer_segments set email = 'c' || customer_id || '@mail.test'",
        ],
    )
    report = make_report(db, tmp_path / "r.html")
    assert "@mail.test" not in report.text
    assert "email" not in report.payload["customers"]["columns"]


def test_a_large_segment_lists_its_top_customers(published_demo, tmp_path):
    report = make_report(published_demo.path, tmp_path / "r.html", list_limit=50)
    [(champions,)] = query(
        published_demo.path,
        "select count(*) from customer_segments where segment_name = 'Champions'",
    )
    profile = re.search(r'id="segment-1".*?</article>', report.text, re.S).group(0)
    assert f"The 50 customers with the highest net revenue of {champions:,}" in profile
    assert report.payload["listLimit"] == 50


# --- budget and quality ------------------------------------------------------------


def test_budget_tables(published_demo, report_en, currency):
    for plan in ("rfm_segment", "cluster", "value_tier"):
        rows = report_en.table(f"table-budget-{plan}")[1:]
        budgets = [
            float(b)
            for (b,) in query(
                published_demo.path,
                "select budget from segment_budget where segment_type = $1 "
                "order by segment_rank, segment_name",
                [plan],
            )
        ]
        assert [r[3] for r in rows] == [money(b, currency, 2) for b in budgets]


def test_value_tiers_plan_carries_its_playbook(published_demo, report_en, report_fr):
    """Value tiers open no profile, so their table says what to send."""
    published = query(
        published_demo.path,
        "select segment_name, message, offer from segment_budget "
        "where segment_type = 'value_tier' order by segment_rank, segment_name",
    )
    assert [row[0] for row in published] == [
        "Top Value",
        "High Value",
        "Mid Value",
        "Low Value",
    ]
    rows = report_en.table("table-budget-value_tier")[1:]
    assert [(r[0], r[6], r[7]) for r in rows] == published
    french = report_fr.table("table-budget-value_tier")[1:]
    assert french[0][0] == "Valeur maximale"
    assert french[3][6] == "Nos nouvelles"


def test_data_quality_figures(published_demo, report_en):
    text = report_en.section("appendix")
    [(lines,)] = query(
        published_demo.path, "select sum(order_lines) from order_line_reconciliation"
    )
    assert f"Order lines read {lines:,}" in text
    for reason, count in query(
        published_demo.path,
        "select outcome, sum(order_lines) from order_line_reconciliation "
        "where outcome <> 'clean' group by outcome",
    ):
        assert re.search(rf"{reason} {count:,} ", text), reason


def test_report_is_self_contained(report_en):
    page = report_en.text
    assert page.count("plotly.js v") == 1  # the library, inlined once
    markup = re.sub(r"<script.*?</script>", "", page, flags=re.S)
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", markup)
    assert "<link" not in markup and "@import" not in markup


# --- languages -------------------------------------------------------------------


def english_left(text: str) -> list[tuple[str, str]]:
    """(key, fragment) of every English sentence of the report's words
    found in `text`."""
    found = []
    for key, row in translation_table().items():
        if row["en"] == row["fr"]:
            continue
        for fragment in re.split(r"\{[^}]*\}|<br>|<b>|</b>", row["en"]):
            fragment = fragment.strip(" .,:;()")
            if len(fragment) >= 12 and fragment in text:
                found.append((key, fragment))
    return found


def test_french_report_has_no_english_sentence(report_fr):
    assert '<html lang="fr">' in report_fr.text
    assert english_left(report_fr.visible) == []


def test_french_report_translates_seed_texts(published_demo, report_fr):
    texts = read_seed_translations(SEED_TRANSLATIONS)
    text = report_fr.visible
    shown = 0
    for (seed, column, english), row in texts.table.items():
        published = query(
            published_demo.path,
            {
                (
                    "segment_definitions",
                    "segment_name",
                ): "select count(*) from segment_summary where segment_name = $1",
                (
                    "segment_definitions",
                    "description",
                ): "select count(*) from segment_summary where description = $1",
                (
                    "segment_definitions",
                    "recommended_action",
                ): "select count(*) from segment_summary where recommended_action = $1",
                (
                    "segment_playbook",
                    "offer",
                ): "select count(*) from segment_budget where offer = $1",
                (
                    "segment_playbook",
                    "message",
                ): "select count(*) from segment_budget where message = $1",
            }.get((seed, column), "select 0 where $1 is not null"),
            [english],
        )[0][0]
        if not published:
            continue
        shown += 1
        assert row["fr"] in text, (seed, column, english)
        if row["fr"] != english and len(english) > 20:
            assert english not in text, (seed, column, english)
    assert shown > 40


def test_french_formats_numbers_and_dates(published_demo, report_fr):
    [(customers, as_of)] = query(
        published_demo.path, "select count(*), max(as_of_date) from customer_segments"
    )
    text = report_fr.visible
    thousands = f"{customers:,}".replace(",", "\u202f")
    assert f"{thousands} clients analysés" in text
    months = "janvier février mars avril mai juin juillet août septembre octobre "
    month = (months + "novembre décembre").split()[as_of.month - 1]
    assert f"{as_of.day} {month} {as_of.year}" in text
    assert re.search(r"\d+,\d\u00a0%", text)  # 68,7 %
    assert report_fr.payload["plotlyLocale"]["format"]["months"][0] == "janvier"


# --- other published files -----------------------------------------------------------


def test_history_disabled_says_so(demo_copy, tmp_path):
    db = demo_copy("no_history", dropped=HISTORY_TABLES)
    report = make_report(db, tmp_path / "r.html")
    assert "No segment history was published" in report.visible
    assert 'id="movement"' not in report.text
    assert report.payload["sankey"] is None


def test_clusters_only_file_says_so(demo_copy, tmp_path):
    db = demo_copy(
        "clusters_only",
        dropped=[
            *RFM_TABLES,
            "order_line_reconciliation",
            "quarantined_order_lines",
        ],
    )
    report = make_report(db, tmp_path / "r.html", lang="fr")
    assert 'id="segments"' not in report.text
    assert "la vue en composantes principales ne peut pas être tracée" in report.visible
    [(customers,)] = query(db, "select count(*) from customer_clusters")
    assert (
        f"{customers:,}".replace(",", "\u202f") + " clients analysés" in report.visible
    )


def test_without_chromium_the_html_is_written_and_the_pdf_skipped(
    published_demo, tmp_path, monkeypatch
):
    import io

    from segmentation.report import cli
    from segmentation.report.browser import BrowserMissingError

    def missing():
        raise BrowserMissingError("Chromium not found at /usr/bin/chromium: install it")

    monkeypatch.setattr(cli, "chromium_path", missing)
    log = io.StringIO()
    out, pdf = tmp_path / "r.html", tmp_path / "r.pdf"
    code = cli.write_report(
        published_demo.path, out, pdf=pdf, seed_translations=SEED_TRANSLATIONS, log=log
    )
    assert code == 0
    assert out.stat().st_size > 1_000_000 and not pdf.exists()
    assert f"SKIPPED {pdf}: Chromium not found" in log.getvalue()
    assert "The HTML report is complete without it" in log.getvalue()


def test_a_build_database_is_refused(demo_copy, tmp_path, capsys):
    db = demo_copy("build", dropped=["publish_metadata"])
    out = tmp_path / "r.html"
    code = main(["--db", str(db), "--out", str(out)])
    assert code == 1
    assert "not a published file" in capsys.readouterr().err
    assert not out.exists()
    assert main(["--db", str(db), "--out", str(out), "--allow-unpublished"]) == 0
    assert out.exists()


def test_no_value_page_without_the_value_tables(demo_copy, tmp_path):
    db = demo_copy("no_value", dropped=VALUE_TABLES)
    report = make_report(db, tmp_path / "r.html")
    assert 'id="value"' not in report.text
    assert 'id="budget"' in report.text


@pytest.fixture(scope="module")
def value_file(published_demo, tmp_path_factory):
    folder = tmp_path_factory.mktemp("value")
    return copy_published(
        published_demo.path,
        folder / "value.duckdb",
        dropped=VALUE_TABLES,
        sql=VALUE_TABLES_SQL,
    )


def test_value_page_from_the_value_tables(value_file, tmp_path):
    report = make_report(value_file, tmp_path / "r.html", currency="GBP")
    page = report.section("value")
    shown = {r[0]: r for r in report.table("table-value-segments")[1:]}
    for name, clv, lost, customers in query(
        value_file,
        f"select segment_name, sum(predicted_clv), count(*) filter "
        f"(where p_alive < {LIKELY_LOST}), count(*) "
        "from customer_value_predictions group by 1",
    ):
        assert shown[name][2] == money(clv, "GBP"), name
        assert shown[name][6] == f"{lost:,} ({lost / customers:.1%})", name
    [(at_risk, revenue, clv)] = query(
        value_file,
        f"""
        select sum(monetary) filter (where p_alive < {LIKELY_LOST}), sum(monetary),
            sum(predicted_clv)
        from customer_segments inner join customer_value_predictions using (customer_id)
        """,
    )
    assert (
        f"They brought {money(at_risk, 'GBP')} so far, {at_risk / revenue:.1%} of all "
        "revenue" in page
    )
    assert f"over the next {HORIZON_DAYS} days" in report.visible.lower()
    assert f"worth {money(clv, 'GBP')}" in page
    calibration = report.payload["charts"]["chart-calibration"]["figure"]["data"]
    buckets = query(
        value_file,
        "select frequency_bucket, mean_predicted_purchases, mean_actual_purchases "
        "from clv_holdout_validation where not is_total order by bucket_order",
    )
    assert calibration[0]["x"] == [b for b, _, _ in buckets]
    assert calibration[0]["y"] == pytest.approx([p for _, p, _ in buckets])
    assert calibration[1]["y"] == pytest.approx([a for _, _, a in buckets])
    champions = re.search(r'id="segment-1".*?</article>', report.text, re.S).group(0)
    assert f"Predicted value, next {HORIZON_DAYS} days" in champions
    lists = report.payload["customers"]
    assert {"p_alive", "predicted_clv", "value_decile"} <= set(lists["columns"])
    first = lists["values"]["customer_id"][0]
    [(predicted,)] = query(
        value_file,
        "select predicted_clv from customer_value_predictions where customer_id = $1",
        [first],
    )
    assert lists["values"]["predicted_clv"][0] == pytest.approx(predicted, abs=0.005)


def test_churn_per_month_with_its_threshold(value_file, tmp_path):
    report = make_report(value_file, tmp_path / "r.html")
    figure = report.payload["charts"]["chart-churn"]["figure"]
    rates = query(
        value_file,
        "select as_of_date, monthly_churn_rate from segment_churn "
        "where is_all_customers order by as_of_date",
    )
    assert figure["data"][0]["x"] == [d.isoformat() for d, _ in rates]
    assert figure["data"][0]["y"] == pytest.approx([r for _, r in rates])
    assert figure["data"][1]["y"] == [0.05, 0.05]
    assert "alert above 5%" in figure["data"][1]["name"]


def test_value_page_in_french(value_file, tmp_path):
    report = make_report(value_file, tmp_path / "r.html", lang="fr")
    assert 'id="value"' in report.text
    assert "Valeur par segment RFM" in report.section("value")
    assert english_left(report.visible) == []
