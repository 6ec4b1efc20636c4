"""The DAG picture of docs/architecture.md, drawn from dbt's manifest as a
Mermaid flowchart (GitHub renders a ```mermaid block as a picture).

The full graph has too many nodes to read, so models are collapsed into one
box per folder (its models listed inside), seeds into one box, and the boxes
stacked by layer: inputs (sources, seeds) -> staging -> intermediate -> marts
-> exposures.
An arrow joins two boxes when any node of one feeds any node of the other.

Usage:
  python -m segmentation_dev.docs_dag --manifest target/manifest.json  # rewrite
  python -m segmentation_dev.docs_dag --manifest ... --check  # exit 1 if stale
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

START = "<!-- dag:start (python -m segmentation_dev.docs_dag; do not edit by hand) -->"
END = "<!-- dag:end -->"
LAYERS = [
    ("inputs", "Inputs: sources (vars) and seeds"),
    ("staging", "Staging"),
    ("intermediate", "Intermediate"),
    ("marts", "Marts: published for BI"),
    ("exposures", "Exposures: who reads them"),
]
DRAWN_TYPES = {"model", "seed", "snapshot", "source", "exposure"}


@dataclass
class Box:
    """One drawn box: a folder of models, the seeds, a source, an exposure."""

    box_id: str
    layer: str
    title: str
    members: list[str] = field(default_factory=list)


def layer_of_path(path: str) -> str:
    parts = Path(path).parts
    for layer in ("staging", "intermediate", "marts"):
        if layer in parts:
            return layer
    # python_models/ holds the int_* models of the K-means run.
    return "intermediate"


def box_of(node: dict) -> tuple[str, str, str]:
    """(box id, layer, title) of a manifest node."""
    kind = node["resource_type"]
    if kind == "source":
        name = node["source_name"]
        return f"source_{name}", "inputs", f"source {name}"
    if kind == "exposure":
        name = node["name"]
        return f"exposure_{name}", "exposures", node.get("label") or name
    if kind == "seed":
        return "seeds", "inputs", "seeds"
    if kind == "snapshot":
        return "snapshots", "marts", "snapshots"
    folder = str(Path(node["original_file_path"]).parent)
    box_id = re.sub(r"\W", "_", folder)
    return box_id, layer_of_path(folder), f"{folder}/"


def project_nodes(manifest: dict) -> dict[str, dict]:
    project = manifest["metadata"]["project_name"]
    nodes = {}
    for group in ("nodes", "sources", "exposures"):
        for unique_id, node in manifest.get(group, {}).items():
            if node["resource_type"] in DRAWN_TYPES and node["package_name"] == project:
                nodes[unique_id] = node
    return nodes


def build_boxes(manifest: dict) -> tuple[dict[str, Box], set[tuple[str, str]]]:
    """The boxes and the arrows between them."""
    nodes = project_nodes(manifest)
    boxes: dict[str, Box] = {}
    box_by_node = {}
    for unique_id, node in nodes.items():
        box_id, layer, title = box_of(node)
        box = boxes.setdefault(box_id, Box(box_id, layer, title))
        if node["resource_type"] != "exposure":
            box.members.append(node["name"])
        box_by_node[unique_id] = box_id
    edges = set()
    for unique_id, parents in manifest["parent_map"].items():
        if unique_id not in box_by_node:
            continue
        for parent in parents:
            if parent in box_by_node and box_by_node[parent] != box_by_node[unique_id]:
                edges.add((box_by_node[parent], box_by_node[unique_id]))
    for box in boxes.values():
        box.members.sort()
    return boxes, edges


def label(box: Box) -> str:
    lines = [f"<b>{box.title}</b>", *box.members]
    return "<br/>".join(lines).replace('"', "#quot;")


def mermaid(manifest: dict) -> str:
    """The flowchart, deterministic for a given manifest."""
    boxes, edges = build_boxes(manifest)
    out = ["```mermaid", "flowchart LR"]
    for layer, title in LAYERS:
        members = [box for box in boxes.values() if box.layer == layer]
        if not members:
            continue
        out.append(f'    subgraph layer_{layer}["{title}"]')
        for box in sorted(members, key=lambda b: b.box_id):
            out.append(f'        {box.box_id}["{label(box)}"]')
        out.append("    end")
    for parent, child in sorted(edges):
        out.append(f"    {parent} --> {child}")
    out.append("```")
    return "\n".join(out)


def replace_block(page: str, block: str) -> str:
    """The page with the text between the markers replaced."""
    start = page.find(START)
    end = page.find(END)
    if start < 0 or end < start:
        raise ValueError(f"the page has no {START} ... {END} markers")
    return page[: start + len(START)] + "\n" + block + "\n" + page[end:]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--manifest", type=Path, default=Path("target/manifest.json"))
    parser.add_argument("--page", type=Path, default=Path("docs/architecture.md"))
    parser.add_argument(
        "--check", action="store_true", help="exit 1 when the page is out of date"
    )
    args = parser.parse_args(argv)
    manifest = json.loads(args.manifest.read_text())
    page = args.page.read_text()
    updated = replace_block(page, mermaid(manifest))
    if args.check:
        if updated != page:
            print(
                f"{args.page}: the DAG picture is out of date; run `make dag`",
                file=sys.stderr,
            )
            return 1
        print(f"{args.page}: the DAG picture matches the manifest")
        return 0
    if updated != page:
        args.page.write_text(updated)
        print(f"{args.page}: DAG picture updated")
    else:
        print(f"{args.page}: DAG picture already up to date")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
