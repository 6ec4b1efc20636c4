"""The description checker on hand-made manifests and catalogs (the shapes
dbt 1.11 writes, cut down to the fields it reads), and on the real project.

Each hand-made case starts from a manifest where everything is described and
breaks one thing, so every kind of missing description is shown to fail."""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path

import pytest
from built_once import built_once
from dbt_project_runner import PROJECT_DIR

from segmentation_dev import docs_check, docs_dag

PROJECT = "customer_segmentation"


def model(name, path, columns, language="sql", description="A model."):
    return {
        "name": name,
        "resource_type": "model",
        "package_name": PROJECT,
        "original_file_path": path,
        "patch_path": f"{PROJECT}://models/_models.yml",
        "language": language,
        "description": description,
        "columns": {
            col: {"name": col, "description": text} for col, text in columns.items()
        },
    }


def macro(name, sql, arguments, path="macros/m.sql", package=PROJECT):
    return {
        "name": name,
        "resource_type": "macro",
        "package_name": package,
        "original_file_path": path,
        "patch_path": f"{package}://macros/_macros.yml",
        "macro_sql": sql,
        "description": "What it does.",
        "arguments": [
            {"name": arg, "type": "string", "description": text}
            for arg, text in arguments.items()
        ],
    }


def described_manifest() -> dict:
    """A small project in which everything has a description."""
    nodes = {
        "model.p.stg_lines": model(
            "stg_lines", "models/staging/stg_lines.sql", {"line_id": "Key."}
        ),
        "model.p.int_clustered": model(
            "int_clustered",
            "python_models/int_clustered.py",
            {"k": "Clusters."},
            "python",
        ),
        "seed.p.rules": {
            **model("rules", "seeds/rules.csv", {"rule": "Rule name."}),
            "resource_type": "seed",
        },
        "snapshot.p.snap": {
            **model("snap", "snapshots/snap.sql", {"customer_id": "Customer."}),
            "resource_type": "snapshot",
        },
        "test.p.assert_claim": {
            "name": "assert_claim",
            "resource_type": "test",
            "package_name": PROJECT,
            "original_file_path": "tests/assert_claim.sql",
            "description": "The claim.",
            "columns": {},
        },
        # A generic test applied to a column: no description of its own.
        "test.p.not_null_stg_lines_line_id": {
            "name": "not_null_stg_lines_line_id",
            "resource_type": "test",
            "package_name": PROJECT,
            "original_file_path": "models/_models.yml",
            "description": "",
            "columns": {},
            "test_metadata": {"name": "not_null"},
        },
        # The on-run-start hook.
        "operation.p.p-on-run-start-0": {
            "name": "p-on-run-start-0",
            "resource_type": "operation",
            "package_name": PROJECT,
            "original_file_path": "./dbt_project.yml",
            "description": "",
            "columns": {},
        },
        # Another package's model is not the project's to describe.
        "model.other.theirs": {
            **model("theirs", "models/t.sql", {}),
            "package_name": "x",
        },
    }
    macros = {
        "macro.p.to_double": macro(
            "to_double",
            "{% macro to_double(expr, default=none) %}{{ expr }}{% endmacro %}",
            {"expr": "A SQL expression.", "default": "Value when it fails."},
        ),
        "macro.p.duckdb__to_double": {
            **macro("duckdb__to_double", "{% macro duckdb__to_double(expr) %}", {}),
            "description": "",
        },
        "macro.p.test_expect_between": macro(
            "test_expect_between",
            "{% test expect_between(model, column_name, low, high=none) %}",
            {"low": "Lowest allowed.", "high": "Highest allowed."},
            path="tests/generic/expect_between.sql",
        ),
        # dbt's and an adapter's macros are never checked.
        "macro.dbt.current_timestamp": {
            **macro(
                "current_timestamp",
                "{% macro current_timestamp() %}",
                {},
                package="dbt",
            ),
            "description": "",
        },
    }
    return {
        "metadata": {"project_name": PROJECT, "dbt_version": "1.11.16"},
        "nodes": nodes,
        "sources": {
            "source.p.orders.order_lines": {
                "name": "order_lines",
                "source_name": "orders",
                "resource_type": "source",
                "package_name": PROJECT,
                "original_file_path": "models/staging/_sources.yml",
                "source_description": "Raw orders.",
                "description": "Order lines.",
                "columns": {"quantity": {"name": "quantity", "description": "Units."}},
            }
        },
        "macros": macros,
        "exposures": {
            "exposure.p.report": {
                "name": "report",
                "resource_type": "exposure",
                "package_name": PROJECT,
                "original_file_path": "models/exposures.yml",
                "description": "The report.",
            }
        },
    }


def described_catalog() -> dict:
    def entry(*columns):
        return {
            "columns": {
                col: {"name": col, "type": "VARCHAR", "index": i + 1}
                for i, col in enumerate(columns)
            }
        }

    return {
        "nodes": {
            "model.p.stg_lines": entry("line_id"),
            "seed.p.rules": entry("rule"),
            "snapshot.p.snap": entry("customer_id"),
        },
        "sources": {},
    }


def names(missing):
    return [(item.kind, item.name, item.problem) for item in missing]


def test_everything_described_passes():
    assert docs_check.check(described_manifest(), described_catalog()) == []


BREAKAGES = [
    (
        lambda m: m["nodes"]["model.p.stg_lines"].update(description=" "),
        ("model", "stg_lines", "no description"),
    ),
    (
        lambda m: m["nodes"]["model.p.stg_lines"]["columns"]["line_id"].update(
            description=""
        ),
        ("model column", "stg_lines.line_id", "no description"),
    ),
    (
        lambda m: m["nodes"]["model.p.int_clustered"].update(description=""),
        ("python model", "int_clustered", "no description"),
    ),
    (
        lambda m: m["nodes"]["seed.p.rules"]["columns"]["rule"].update(description=""),
        ("seed column", "rules.rule", "no description"),
    ),
    (
        lambda m: m["nodes"]["snapshot.p.snap"].update(description=""),
        ("snapshot", "snap", "no description"),
    ),
    (
        lambda m: m["nodes"]["test.p.assert_claim"].update(description=""),
        ("singular test", "assert_claim", "no description"),
    ),
    (
        lambda m: m["sources"]["source.p.orders.order_lines"].update(
            source_description=""
        ),
        ("source", "orders", "no description"),
    ),
    (
        lambda m: m["sources"]["source.p.orders.order_lines"].update(description=""),
        ("source table", "orders.order_lines", "no description"),
    ),
    (
        lambda m: m["sources"]["source.p.orders.order_lines"]["columns"][
            "quantity"
        ].update(description=""),
        ("source column", "orders.order_lines.quantity", "no description"),
    ),
    (
        lambda m: m["macros"]["macro.p.to_double"].update(description=""),
        ("macro", "to_double", "no description"),
    ),
    (
        lambda m: m["macros"]["macro.p.to_double"]["arguments"][1].update(
            description=""
        ),
        ("macro argument", "to_double.default", "no description"),
    ),
    (
        lambda m: m["macros"]["macro.p.to_double"]["arguments"].pop(0),
        ("macro argument", "to_double.expr", "not listed"),
    ),
    (
        lambda m: m["macros"]["macro.p.test_expect_between"].update(description=""),
        ("generic test", "test_expect_between", "no description"),
    ),
    (
        lambda m: m["macros"]["macro.p.test_expect_between"]["arguments"].pop(),
        ("generic test argument", "test_expect_between.high", "not listed"),
    ),
    (
        lambda m: m["exposures"]["exposure.p.report"].update(description=""),
        ("exposure", "report", "no description"),
    ),
]


@pytest.mark.parametrize(("breakage", "expected"), BREAKAGES)
def test_each_missing_description_fails(breakage, expected):
    manifest = copy.deepcopy(described_manifest())
    breakage(manifest)
    assert names(docs_check.check(manifest, described_catalog())) == [expected]


def test_a_built_column_left_out_of_the_yml_fails_only_with_a_catalog():
    catalog = described_catalog()
    catalog["nodes"]["model.p.stg_lines"]["columns"]["LINE_AMOUNT"] = {
        "name": "LINE_AMOUNT",
        "type": "DOUBLE",
        "index": 2,
    }
    expected = [
        (
            "model column",
            "stg_lines.line_amount",
            "in the built table but not documented",
        )
    ]
    assert names(docs_check.check(described_manifest(), catalog)) == expected
    assert docs_check.check(described_manifest(), None) == []


def test_a_dispatch_implementation_without_its_macro_must_be_described():
    manifest = described_manifest()
    del manifest["macros"]["macro.p.to_double"]
    assert names(docs_check.check(manifest)) == [
        ("macro", "duckdb__to_double", "no description"),
        ("macro argument", "duckdb__to_double.expr", "not listed"),
    ]


def test_signature_arguments_drop_defaults_and_keep_nested_commas():
    sql = "{%- macro f(a, b=[1, 2], c={'x': (1, 2)}, d='s,t') -%}body{% endmacro %}"
    assert docs_check.signature_arguments(sql) == ["a", "b", "c", "d"]


def test_cli_lists_each_missing_item_and_exits_1(tmp_path, capsys):
    manifest = described_manifest()
    manifest["nodes"]["model.p.stg_lines"]["description"] = ""
    (tmp_path / "manifest.json").write_text(json.dumps(manifest))
    assert docs_check.main(["--target-dir", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert "1 description(s) missing" in out
    assert "model stg_lines (models/_models.yml): no description" in out


def test_cli_without_a_manifest_exits_2(tmp_path):
    assert docs_check.main(["--target-dir", str(tmp_path)]) == 2


@pytest.fixture(scope="module")
def project_manifest(tmp_path_factory):
    """The real project's manifest: the one `make test` built just before,
    or from one `dbt parse` for the whole test run."""
    from dbt_project_runner import reused_demo_manifest, run_dbt

    reused = reused_demo_manifest()
    if reused is not None:
        return reused

    def parse(work_dir: Path) -> dict:
        run = run_dbt(work_dir, "parse")
        assert run.returncode == 0, run.output[-3000:]
        return json.loads((work_dir / "target" / "manifest.json").read_text())

    return built_once(tmp_path_factory, "docs_parse", parse)


def test_the_project_describes_everything(project_manifest):
    missing = docs_check.check(project_manifest)
    assert [item.describe() for item in missing] == []


def test_the_project_lineage_starts_at_sources_and_ends_at_exposures(
    project_manifest,
):
    children = project_manifest["child_map"]
    # Staging reads the order lines (all of them, and those a refresh
    # adds); input_reading_log only records, at compile time, how each
    # input file was read.
    assert sorted(children[f"source.{PROJECT}.orders.order_lines"]) == [
        f"model.{PROJECT}.input_reading_log",
        f"model.{PROJECT}.stg_orders__new_order_lines",
        f"model.{PROJECT}.stg_orders__order_lines",
    ]
    exposures = project_manifest["exposures"]
    assert {e["name"] for e in exposures.values()} == {
        "segment_report",
        "segment_report_value_pages",
        "segment_dashboard",
        "audience_exports",
    }
    for exposure in exposures.values():
        assert exposure["owner"]["email"], exposure["name"]
        assert exposure["depends_on"]["nodes"], exposure["name"]


def test_the_report_exposures_list_every_mart_the_report_reads(project_manifest):
    """The lineage ends where the data is used only if every mart the
    report's code names is a dependency of one of the report's exposures."""
    marts = {
        node["name"]
        for node in project_manifest["nodes"].values()
        if node["resource_type"] == "model" and "/marts/" in f"/{node['path']}"
    }
    report_code = " ".join(
        path.read_text()
        for path in (PROJECT_DIR / "src" / "segmentation" / "report").glob("*.py")
    )
    read = {name for name in marts if re.search(rf"\b{name}\b", report_code)}
    listed = {
        node.split(".")[-1]
        for exposure in project_manifest["exposures"].values()
        if exposure["name"].startswith("segment_report")
        for node in exposure["depends_on"]["nodes"]
    }
    assert read, "no mart found in the report's code"
    assert read - listed == set()


def test_the_architecture_page_dag_matches_the_manifest(project_manifest):
    page = (PROJECT_DIR / "docs" / "architecture.md").read_text()
    expected = docs_dag.replace_block(page, docs_dag.mermaid(project_manifest))
    assert page == expected, "the DAG picture is out of date: run `make dag`"
