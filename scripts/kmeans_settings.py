"""Write the K-means settings, declared once in
``src/segmentation/clustering/config.py``, where else they are needed:

* ``macros/settings/clustering_settings.sql``: var clustering over the default
  of every setting, for the SQL that reads one (the quality tests, the SQL
  K-means);
* the settings table of ``docs/kmeans.md`` (between its ``settings`` markers).

Usage::

    .venv/bin/python scripts/kmeans_settings.py          # rewrite both
    .venv/bin/python scripts/kmeans_settings.py --check  # exit 1 when stale

``tests/python/clustering/test_clustering_settings.py`` runs the check.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import MISSING
from pathlib import Path

from segmentation.clustering.config import describe_settings

PROJECT_DIR = Path(__file__).resolve().parents[1]
MACRO = PROJECT_DIR / "macros" / "settings" / "clustering_settings.sql"
DOCS = PROJECT_DIR / "docs" / "kmeans.md"
START = "<!-- settings:start (written by scripts/kmeans_settings.py) -->"
END = "<!-- settings:end -->"


def jinja_literal(value: object) -> str:
    """A Python default as a Jinja literal."""
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"
    if isinstance(value, list):
        return "[" + ", ".join(jinja_literal(v) for v in value) + "]"
    return repr(value)


def render_macro() -> str:
    """The text of macros/settings/clustering_settings.sql."""
    entries = [
        f"        '{s.key}': {jinja_literal(s.default)},"
        for s in describe_settings()
        if s.default is not MISSING
    ]
    body = "\n".join(entries).rstrip(",")
    return f"""{{#
    var clustering over the default of every K-means setting, for the SQL
    that reads one (the quality tests on the clusters, the SQL K-means).
    Written by scripts/kmeans_settings.py from the settings declared in
    src/segmentation/clustering/config.py, with their meaning in
    docs/kmeans.md: change them there, not here (a test compares).
#}}
{{% macro clustering_settings() %}}
    {{%- set settings = {{
{body}
    }} -%}}
    {{%- set given = var('clustering') -%}}
    {{%- if given is not mapping -%}}
        {{{{ exceptions.raise_compiler_error("var clustering must be a dict "
            ~ "of K-means settings (docs/kmeans.md); got: " ~ given) }}}}
    {{%- endif -%}}
    {{%- do settings.update(given) -%}}
    {{{{- return(settings) -}}}}
{{% endmacro %}}
"""


def _cell(value: object) -> str:
    """A default as the docs table shows it."""
    if value is MISSING:
        return "(required)"
    return f"`{json.dumps(value)}`"


def render_table() -> str:
    """The settings table of docs/kmeans.md, markers included."""
    lines = [START, "", "| setting | default | meaning |", "|---|---|---|"]
    for s in describe_settings():
        lines.append(f"| `{s.key}` | {_cell(s.default)} | {s.doc} |")
    return "\n".join([*lines, "", END])


def docs_with_table(text: str) -> str:
    """``text`` (docs/kmeans.md) with its settings table rewritten."""
    if START not in text or END not in text:
        raise ValueError(f"{DOCS} lacks the markers {START!r} and {END!r}")
    head, rest = text.split(START, 1)
    _, tail = rest.split(END, 1)
    return head + render_table() + tail


def main() -> int:
    """Rewrite the macro and the docs table, or check them (--check)."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args()
    wanted = {MACRO: render_macro(), DOCS: docs_with_table(DOCS.read_text())}
    stale = [p for p, text in wanted.items() if not p.exists() or p.read_text() != text]
    if args.check:
        for path in stale:
            print(f"{path} is out of date: run scripts/kmeans_settings.py")
        return 1 if stale else 0
    for path in stale:
        path.write_text(wanted[path])
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
