"""Write the settings table of docs/settings.md from dbt_project.yml, where
every setting is stated once: each var of `vars:` with its default and the
comment on its line (unit and safe range), and each feature flag of
`models: +meta: built:` with the var that sets it, the default the flag's
expression gives that var, and the comment above it. The table sits between
the two markers of docs/settings.md; the rest of the page is written by
hand.

    python -m segmentation_dev.settings_docs          # rewrite the table
    python -m segmentation_dev.settings_docs --check  # exit 1 when stale

tests/python/test_settings.py runs the check.
"""

from __future__ import annotations

import argparse
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import yaml

PROJECT_DIR = Path(__file__).resolve().parents[2]
PROJECT_FILE = PROJECT_DIR / "dbt_project.yml"
DOCS = PROJECT_DIR / "docs" / "settings.md"
START = "<!-- settings:start (written by python -m segmentation_dev.settings_docs) -->"
END = "<!-- settings:end -->"
# A default longer than this is shown as a pointer to dbt_project.yml.
LONGEST_DEFAULT = 40

VAR_LINE = re.compile(r"^  (?P<name>\w+):(?P<value>.*?)(?:\s+#\s*(?P<comment>.*))?$")
SECTION_LINE = re.compile(r"^  # (?P<title>[^.(;:]+)")
FLAG_LINE = re.compile(r"^        (?P<flag>\w+): &\w+ \"(?P<expression>.*)\"$")
JINJA_LITERALS = {"none": "null", "true": "true", "false": "false"}
FLAG_VAR = re.compile(r"var\('(?P<name>\w+)', (?P<default>[^)]+)\)")


@dataclass(frozen=True)
class Setting:
    """One row of the table."""

    section: str
    name: str
    default: str
    comment: str


def _default(value: object) -> str:
    """A default as the table shows it: texts unquoted, lists as [a, b]."""
    if value is None:
        text = "null"
    elif isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, list):
        text = "[" + ", ".join(str(item) for item in value) + "]"
    else:
        text = str(value)
    if len(text) > LONGEST_DEFAULT or isinstance(value, dict):
        return "see dbt_project.yml"
    return f"`{text}`"


def read_vars(text: str) -> list[Setting]:
    """The vars of `vars:`, in their order, each with the comment on its
    line and its section: the first comment line after a blank line, up to
    its first parenthesis or full stop."""
    values = yaml.safe_load(text)["vars"]
    lines = text.split("\n")
    start = lines.index("vars:") + 1
    settings, section, previous = [], "", ""
    for line in lines[start:]:
        if line and not line.startswith(" "):
            break
        heading = SECTION_LINE.match(line)
        if heading and not previous.strip():
            section = heading.group("title").strip()
        match = VAR_LINE.match(line)
        if match and match.group("name") in values:
            name = match.group("name")
            comment = (match.group("comment") or "").strip()
            settings.append(Setting(section, name, _default(values[name]), comment))
        previous = line
    return settings


def read_flags(text: str) -> list[Setting]:
    """The feature flags of `models: +meta: built:`: each var a flag's
    expression reads for the first time, the default the expression gives
    it, and the comment line above the flag."""
    settings, comment, seen = [], "", set()
    for line in text.split("\n"):
        stripped = line.strip()
        if stripped.startswith("# "):
            comment = stripped[2:]
            continue
        match = FLAG_LINE.match(line)
        if not match:
            comment = ""
            continue
        meaning = re.sub(r"^(\.\.\.\s*|var \w+:\s*)", "", comment)
        for name, default in FLAG_VAR.findall(match.group("expression")):
            if name in seen:
                continue
            seen.add(name)
            literal = JINJA_LITERALS.get(default.strip(), default.strip())
            settings.append(
                Setting(
                    "What is built",
                    name,
                    f"`{literal}`",
                    f"flag `{match.group('flag')}`: {meaning}",
                )
            )
        comment = ""
    return settings


def render_table(text: str) -> str:
    """The table of docs/settings.md, markers included."""
    rows = [START, "", "| var | default | unit, safe range, meaning |", "|---|---|---|"]
    section = None
    seen = set()
    for setting in [*read_flags(text), *read_vars(text)]:
        if setting.name in seen:
            continue
        seen.add(setting.name)
        if setting.section != section:
            section = setting.section
            rows.append(f"| **{section}** | | |")
        comment = setting.comment.replace("|", "\\|")
        rows.append(f"| `{setting.name}` | {setting.default} | {comment} |")
    return "\n".join([*rows, "", END])


def docs_with_table(docs: str, text: str) -> str:
    """``docs`` (docs/settings.md) with its table rewritten from ``text``."""
    if START not in docs or END not in docs:
        raise ValueError(f"{DOCS} lacks the markers {START!r} and {END!r}")
    head, rest = docs.split(START, 1)
    _, tail = rest.split(END, 1)
    return head + render_table(text) + tail


def main(argv: list[str] | None = None) -> int:
    """Rewrite the table of docs/settings.md, or check it (--check)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args(argv)
    docs = DOCS.read_text()
    wanted = docs_with_table(docs, PROJECT_FILE.read_text())
    if args.check:
        if wanted != docs:
            print(
                f"{DOCS} is out of date: run python -m segmentation_dev.settings_docs"
            )
            return 1
        return 0
    if wanted != docs:
        DOCS.write_text(wanted)
        print(f"wrote {DOCS}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
