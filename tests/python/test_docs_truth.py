"""The README and the pages of docs/ say nothing the project contradicts,
where it can be checked: links, vars and their defaults, models, seeds,
make targets, commands, repository paths and the segment names."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest
import yaml
from dbt_project_runner import PROJECT_DIR

from segmentation import cli

PAGES = sorted([PROJECT_DIR / "README.md", *(PROJECT_DIR / "docs").glob("*.md")])
PROJECT_TEXT = (PROJECT_DIR / "dbt_project.yml").read_text()
JINJA_LITERALS = {"true": True, "false": False, "none": None}
# The feature switches are vars too, whose defaults the folder flags of
# `models: +meta: built:` give (dbt reads that block before `vars:`).
PROJECT_VARS = {
    **{
        name: JINJA_LITERALS.get(default.strip(), default.strip())
        for name, default in re.findall(r"var\('(\w+)', ([^)]+)\)", PROJECT_TEXT)
    },
    **yaml.safe_load(PROJECT_TEXT)["vars"],
}
MAKEFILE = (PROJECT_DIR / "Makefile").read_text()
MAKE_TARGETS = set(re.findall(r"^([a-z][a-z0-9-]*):", MAKEFILE, re.MULTILINE))
MODELS = {
    path.stem
    for folder in ("models", "python_models", "snapshots")
    for path in (PROJECT_DIR / folder).rglob("*")
    if path.suffix in (".sql", ".py") and not path.name.startswith("_")
}
SEEDS = {path.stem for path in (PROJECT_DIR / "seeds").glob("*.csv")}
# Tables the publish step writes beside the marts.
PUBLISHED_EXTRA = {"publish_metadata", "input_reading_log"}
# Folders a run writes, so they are absent from a clean clone.
RUN_OUTPUTS = ("warehouse/", "reports/", "exports/", "target/", "generated/", "logs/")
CODE = re.compile(r"`([^`\n]+)`")
# The folders of the repository: a code span that starts with one is a path.
TOP_LEVEL = {path.name for path in PROJECT_DIR.iterdir() if path.is_dir()} - {
    ".venv",
    ".git",
}


def page_id(path: Path) -> str:
    return str(path.relative_to(PROJECT_DIR))


def mentions(pattern: str) -> list[tuple[str, str]]:
    """(page, match) for every match of `pattern` in every page."""
    found = []
    for page in PAGES:
        for match in re.finditer(pattern, page.read_text()):
            found.append((page_id(page), match.group(1)))
    return found


def test_every_link_to_a_file_resolves():
    broken = []
    for page in PAGES:
        for target in re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", page.read_text()):
            if "://" in target or target.startswith("mailto:"):
                continue
            if not (page.parent / target).exists():
                broken.append((page_id(page), target))
    assert broken == []


def test_every_var_named_exists():
    unknown = [
        (page, name)
        for page, name in mentions(r"\bvars? `([a-z_][a-z0-9_]*)")
        if name not in PROJECT_VARS
    ]
    assert unknown == []


def table_rows(text: str, first_header: str) -> list[list[str]]:
    """The rows of every markdown table whose first header cell is
    `first_header`, as lists of cell texts."""
    rows, inside = [], False
    for line in text.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if line.startswith("|") and cells[0] == first_header:
            inside = True
            continue
        if inside and line.startswith("|"):
            if not set(line) <= set("|-: "):
                rows.append(cells)
        else:
            inside = False
    return rows


def shown_default(value) -> str:
    """A var's value as the settings tables write it."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, list):
        return "[" + ", ".join(str(item) for item in value) + "]"
    return str(value)


@pytest.mark.parametrize(
    "page", ["README.md", "docs/settings.md"], ids=["readme", "settings"]
)
def test_settings_tables_give_the_defaults_of_dbt_project_yml(page):
    rows = table_rows((PROJECT_DIR / page).read_text(), "var")
    assert rows, f"{page} has no settings table"
    wrong = []
    for cells in rows:
        names = CODE.findall(cells[0])
        defaults = CODE.findall(cells[1])
        for name in names:
            if name.endswith("*"):
                if not any(var.startswith(name[:-1]) for var in PROJECT_VARS):
                    wrong.append((name, "no var of this kind"))
            elif name not in PROJECT_VARS:
                wrong.append((name, "not a var"))
            elif (
                len(names) == 1
                and defaults
                and defaults[0] != shown_default(PROJECT_VARS[name])
            ):
                wrong.append((name, defaults[0], PROJECT_VARS[name]))
    assert wrong == []


def test_every_table_the_readme_lists_is_built():
    rows = table_rows((PROJECT_DIR / "README.md").read_text(), "table")
    named = [name for cells in rows for name in CODE.findall(cells[0])]
    assert named
    assert [name for name in named if name not in MODELS | PUBLISHED_EXTRA] == []


def test_every_model_and_seed_named_exists():
    unknown = [
        (page, name)
        for page, name in mentions(r"\b(?:model|mart|table|view) `([a-z_][a-z0-9_]*)`")
        if name not in MODELS | SEEDS | PUBLISHED_EXTRA
    ]
    unknown += [
        (page, name)
        for page, name in mentions(r"\bseeds? `([a-z_][a-z0-9_]*)`")
        if name not in SEEDS
    ]
    assert unknown == []


def test_every_make_target_and_command_named_exists():
    targets = [
        (page, name)
        for page, name in mentions(r"`make ([a-z][a-z0-9-]*)")
        if name not in MAKE_TARGETS
    ]
    commands = [
        (page, name)
        for page, name in mentions(r"`segmentation ([a-z]+)")
        if name not in cli.COMMANDS
    ]
    assert targets == [] and commands == []


def test_every_repository_path_named_exists():
    missing = []
    for page in PAGES:
        for code in CODE.findall(page.read_text()):
            if not code.strip():
                continue
            path = code.split()[0].rstrip(",.:")
            if (
                "/" not in path
                or path.split("/")[0] not in TOP_LEVEL
                or path.startswith(("/", "http", "..", "~"))
                or path.startswith(RUN_OUTPUTS)
                or any(char in path for char in "*<>{}$=")
            ):
                continue
            if not (PROJECT_DIR / path).exists():
                missing.append((page_id(page), path))
    assert missing == []


def test_the_segment_table_matches_the_seed():
    rows = table_rows((PROJECT_DIR / "README.md").read_text(), "segment")
    with (PROJECT_DIR / "seeds" / "segment_definitions.csv").open() as seed:
        names = [row["segment_name"] for row in csv.DictReader(seed)]
    assert [cells[0] for cells in rows] == names
