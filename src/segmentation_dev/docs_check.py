"""Fail when anything of the project lacks a description in its yml.

Reads dbt's target/manifest.json and, when `dbt docs generate` wrote one,
target/catalog.json beside it. A description is missing when it is empty or
only whitespace. Checked, for this project's own resources only (never dbt's
or an adapter's macros):

- models (SQL and Python), seeds, snapshots, analyses and their columns;
- sources and their tables and columns;
- exposures;
- macros, and every argument of each: an argument in the macro's signature
  that the yml does not list counts as missing too. Dispatch implementations
  (`duckdb__x`, `default__x`) are covered by the documented macro `x`;
- generic tests (the `test_<name>` macros of tests/generic/; `model` and
  `column_name`, which dbt itself passes, need no description);
- singular tests (tests/*.sql, described under `data_tests:` in a yml in
  tests/).

With a catalog, a column that exists in the built table but is not in the
yml is missing as well, so a column added to a model's SQL without a line of
documentation is caught.

Usage: python -m segmentation_dev.docs_check [--target-dir target]
       python -m segmentation_dev.docs_check --published FILE --builds-dir DIR
The second form is what `make test` runs after its publish: `dbt docs
generate --no-compile` of the published build into that build's own
artifacts folder (reusing its parse), then the check of that manifest and
catalog.
Exit 0 when everything is described, 1 listing each missing item, 2 when the
manifest cannot be read.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path

NODE_KINDS = {"model", "seed", "snapshot", "analysis"}
# Passed by dbt to every generic test; describing them would say nothing.
IMPLICIT_TEST_ARGUMENTS = {"model", "column_name"}
SIGNATURE = re.compile(
    r"{%-?\s*(?:macro|test)\s+\w+\s*\((?P<args>.*?)\)\s*-?%}", re.DOTALL
)


@dataclass(frozen=True, order=True)
class Missing:
    """One resource, column or argument without a description."""

    kind: str
    name: str
    file: str
    problem: str = "no description"

    def describe(self) -> str:
        return f"{self.kind} {self.name} ({self.file}): {self.problem}"


def is_blank(text: str | None) -> bool:
    return not (text or "").strip()


def signature_arguments(macro_sql: str) -> list[str]:
    """Argument names of the first `{% macro %}` / `{% test %}` tag, defaults
    and `**kwargs`-style catch-alls dropped."""
    match = SIGNATURE.search(macro_sql or "")
    if not match:
        return []
    names = []
    depth = 0
    quote = None
    current = ""
    for char in match.group("args") + ",":
        if quote:
            quote = None if char == quote else quote
        elif char in "'\"":
            quote = char
        elif char in "([{":
            depth += 1
        elif char in ")]}":
            depth -= 1
        if char == "," and depth == 0 and not quote:
            name = current.split("=", 1)[0].strip()
            if name and not name.startswith("*"):
                names.append(name)
            current = ""
        else:
            current += char
    return names


def node_kind(node: dict) -> str:
    kind = node["resource_type"]
    if kind == "model" and node.get("language") == "python":
        return "python model"
    return kind


def node_location(node: dict) -> str:
    """Where to add the description: the yml that describes the node, else
    its own file."""
    patch = node.get("patch_path") or ""
    return patch.split("://", 1)[-1] if patch else node["original_file_path"]


def check_columns(kind: str, node: dict, catalog_entry: dict | None) -> list[Missing]:
    """Documented columns without a description, and (with a catalog) built
    columns that the yml does not list."""
    missing = []
    where = node_location(node)
    documented = {name.lower(): col for name, col in node["columns"].items()}
    for name, column in node["columns"].items():
        if is_blank(column.get("description")):
            missing.append(Missing(f"{kind} column", f"{node['name']}.{name}", where))
    if catalog_entry:
        for name in catalog_entry.get("columns", {}):
            if name.lower() not in documented:
                missing.append(
                    Missing(
                        f"{kind} column",
                        f"{node['name']}.{name.lower()}",
                        where,
                        "in the built table but not documented",
                    )
                )
    return missing


def check_nodes(manifest: dict, catalog: dict, project: str) -> list[Missing]:
    missing = []
    built = catalog.get("nodes", {})
    for unique_id, node in manifest["nodes"].items():
        if node["package_name"] != project:
            continue
        kind = node_kind(node)
        if node["resource_type"] in NODE_KINDS:
            if is_blank(node.get("description")):
                missing.append(Missing(kind, node["name"], node_location(node)))
            missing += check_columns(kind, node, built.get(unique_id))
        elif (
            # A singular test: a file of its own, no generic test behind it.
            node["resource_type"] == "test"
            and not node.get("test_metadata")
            and is_blank(node.get("description"))
        ):
            missing.append(
                Missing("singular test", node["name"], node["original_file_path"])
            )
    return missing


def check_sources(manifest: dict, catalog: dict, project: str) -> list[Missing]:
    missing = []
    built = catalog.get("sources", {})
    seen_sources = set()
    for unique_id, source in manifest["sources"].items():
        if source["package_name"] != project:
            continue
        where = source["original_file_path"]
        if source["source_name"] not in seen_sources:
            seen_sources.add(source["source_name"])
            if is_blank(source.get("source_description")):
                missing.append(Missing("source", source["source_name"], where))
        full_name = f"{source['source_name']}.{source['name']}"
        if is_blank(source.get("description")):
            missing.append(Missing("source table", full_name, where))
        for name, column in source["columns"].items():
            if is_blank(column.get("description")):
                missing.append(Missing("source column", f"{full_name}.{name}", where))
        documented = {name.lower() for name in source["columns"]}
        for name in built.get(unique_id, {}).get("columns", {}):
            if name.lower() not in documented:
                missing.append(
                    Missing(
                        "source column",
                        f"{full_name}.{name.lower()}",
                        where,
                        "in the input but not documented",
                    )
                )
    return missing


def macro_kind(macro: dict) -> str:
    if macro["name"].startswith("test_") and "/generic/" in (
        "/" + macro["original_file_path"]
    ):
        return "generic test"
    return "macro"


def check_macros(manifest: dict, project: str) -> list[Missing]:
    missing = []
    macros = {
        macro["name"]: macro
        for macro in manifest["macros"].values()
        if macro["package_name"] == project
    }
    for name, macro in sorted(macros.items()):
        prefix, _, base = name.partition("__")
        if base and base in macros:
            continue  # a dispatch implementation of a documented macro
        kind = macro_kind(macro)
        where = node_location(macro)
        if is_blank(macro.get("description")):
            missing.append(Missing(kind, name, where))
        listed = {arg["name"]: arg for arg in macro.get("arguments") or []}
        implicit = IMPLICIT_TEST_ARGUMENTS if kind == "generic test" else set()
        for arg_name in signature_arguments(macro.get("macro_sql", "")):
            if arg_name in implicit:
                continue
            if arg_name not in listed:
                missing.append(
                    Missing(
                        f"{kind} argument", f"{name}.{arg_name}", where, "not listed"
                    )
                )
        for arg_name, arg in listed.items():
            if is_blank(arg.get("description")):
                missing.append(Missing(f"{kind} argument", f"{name}.{arg_name}", where))
    return missing


def check_exposures(manifest: dict, project: str) -> list[Missing]:
    return [
        Missing("exposure", exposure["name"], exposure["original_file_path"])
        for exposure in manifest.get("exposures", {}).values()
        if exposure["package_name"] == project and is_blank(exposure.get("description"))
    ]


def check(manifest: dict, catalog: dict | None = None) -> list[Missing]:
    """Every missing description of the manifest's root project, sorted."""
    catalog = catalog or {}
    project = manifest["metadata"].get("project_name")
    if not project:
        raise ValueError("manifest.json has no metadata.project_name")
    missing = (
        check_nodes(manifest, catalog, project)
        + check_sources(manifest, catalog, project)
        + check_macros(manifest, project)
        + check_exposures(manifest, project)
    )
    return sorted(set(missing))


def read_json(path: Path) -> dict | None:
    try:
        return json.loads(path.read_text())
    except FileNotFoundError:
        return None


def catalog_of_published_build(published: Path, builds_dir: Path) -> Path | None:
    """`dbt docs generate --no-compile` for the build `published` came from,
    into that build's artifacts folder; the folder, or None when dbt failed."""
    from segmentation.docs_site import docs_database, generate

    if not published.exists():
        print(f"docs check: no published file at {published}", file=sys.stderr)
        return None
    database, build_target = docs_database(published, builds_dir)
    target_dir = build_target or Path("target")
    code = generate(database, target_dir, Path("."), static=False, compile_=False)
    if code != 0:
        print(f"docs check: dbt docs generate failed (exit {code})", file=sys.stderr)
        return None
    return target_dir


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--target-dir",
        type=Path,
        default=Path("target"),
        help="folder with manifest.json (and catalog.json from dbt docs generate)",
    )
    parser.add_argument(
        "--published",
        type=Path,
        default=None,
        help="generate the catalog of this published file's build first",
    )
    parser.add_argument("--builds-dir", type=Path, default=Path("warehouse/builds"))
    args = parser.parse_args(argv)
    if args.published is not None:
        target_dir = catalog_of_published_build(args.published, args.builds_dir)
        if target_dir is None:
            return 2
        args.target_dir = target_dir
    try:
        manifest = read_json(args.target_dir / "manifest.json")
    except json.JSONDecodeError as error:
        print(f"docs check: unreadable manifest: {error}", file=sys.stderr)
        return 2
    if manifest is None:
        print(
            f"docs check: no manifest.json in {args.target_dir}; run `dbt parse`"
            " or `dbt docs generate` first",
            file=sys.stderr,
        )
        return 2
    catalog = read_json(args.target_dir / "catalog.json")
    missing = check(manifest, catalog)
    against = "manifest and catalog" if catalog else "manifest (no catalog.json)"
    if missing:
        print(f"docs check: {len(missing)} description(s) missing ({against}):")
        for item in missing:
            print(f"  {item.describe()}")
        return 1
    print(f"docs check: everything described ({against})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
