"""The architecture page's DAG picture from a hand-made manifest: one box per folder,
stacked by layer, one arrow per pair of boxes whatever the number of
model-to-model edges, and only the text between the markers rewritten.
(test_docs_check.py compares docs/architecture.md with the real project's manifest.)"""

from __future__ import annotations

import json

import pytest

from segmentation_dev import docs_dag

PROJECT = "customer_segmentation"


def node(kind, name, path, **extra):
    return {
        "resource_type": kind,
        "name": name,
        "package_name": extra.pop("package_name", PROJECT),
        "original_file_path": path,
        **extra,
    }


def small_manifest() -> dict:
    nodes = {
        "model.p.stg_a": node("model", "stg_a", "models/staging/orders/stg_a.sql"),
        "model.p.int_a": node("model", "int_a", "models/intermediate/int_a.sql"),
        "model.p.int_b": node("model", "int_b", "models/intermediate/int_b.sql"),
        "model.p.int_py": node("model", "int_py", "python_models/int_py.py"),
        "model.p.mart_a": node("model", "mart_a", "models/marts/mart_a.sql"),
        "seed.p.rules": node("seed", "rules", "seeds/rules.csv"),
        "test.p.t": node("test", "t", "tests/t.sql"),
        "model.x.theirs": node("model", "theirs", "models/t.sql", package_name="x"),
    }
    return {
        "metadata": {"project_name": PROJECT},
        "nodes": nodes,
        "sources": {
            "source.p.orders.lines": node(
                "source", "lines", "models/staging/orders/_s.yml", source_name="orders"
            )
        },
        "exposures": {
            "exposure.p.report": node(
                "exposure", "report", "models/exposures.yml", label="The report"
            )
        },
        "parent_map": {
            "model.p.stg_a": ["source.p.orders.lines"],
            "model.p.int_a": ["model.p.stg_a", "seed.p.rules"],
            "model.p.int_b": ["model.p.int_a", "model.p.stg_a"],
            "model.p.int_py": ["model.p.int_a"],
            "model.p.mart_a": ["model.p.int_a", "model.p.int_b", "model.p.int_py"],
            "exposure.p.report": ["model.p.mart_a"],
            "test.p.t": ["model.p.mart_a"],
            "model.x.theirs": ["model.p.mart_a"],
        },
    }


def test_boxes_group_by_folder_and_arrows_are_deduplicated():
    boxes, edges = docs_dag.build_boxes(small_manifest())
    members = {box_id: (box.layer, box.members) for box_id, box in boxes.items()}
    assert members == {
        "source_orders": ("inputs", ["lines"]),
        "seeds": ("inputs", ["rules"]),
        "models_staging_orders": ("staging", ["stg_a"]),
        "models_intermediate": ("intermediate", ["int_a", "int_b"]),
        "python_models": ("intermediate", ["int_py"]),
        "models_marts": ("marts", ["mart_a"]),
        "exposure_report": ("exposures", []),
    }
    assert edges == {
        ("source_orders", "models_staging_orders"),
        ("models_staging_orders", "models_intermediate"),
        ("seeds", "models_intermediate"),
        ("models_intermediate", "python_models"),
        ("models_intermediate", "models_marts"),
        ("python_models", "models_marts"),
        ("models_marts", "exposure_report"),
    }


def test_mermaid_stacks_layers_in_flow_order():
    text = docs_dag.mermaid(small_manifest())
    assert text.startswith("```mermaid\nflowchart LR\n") and text.endswith("```")
    order = [text.index(f"subgraph layer_{layer}[") for layer, _ in docs_dag.LAYERS]
    assert order == sorted(order)
    assert 'exposure_report["<b>The report</b>"]' in text
    assert text.count("-->") == 7


def test_check_fails_on_a_stale_page_and_update_fixes_it(tmp_path):
    manifest = tmp_path / "manifest.json"
    manifest.write_text(json.dumps(small_manifest()))
    page = tmp_path / "architecture.md"
    page.write_text(
        f"# Title\n\n{docs_dag.START}\nold picture\n{docs_dag.END}\n\nrest\n"
    )
    args = ["--manifest", str(manifest), "--page", str(page)]
    assert docs_dag.main([*args, "--check"]) == 1
    assert docs_dag.main(args) == 0
    text = page.read_text()
    assert "old picture" not in text
    assert text.startswith("# Title\n\n") and text.endswith("\n\nrest\n")
    assert docs_dag.main([*args, "--check"]) == 0


def test_a_page_without_markers_is_an_error():
    with pytest.raises(ValueError, match="markers"):
        docs_dag.replace_block("# no picture here\n", "x")
