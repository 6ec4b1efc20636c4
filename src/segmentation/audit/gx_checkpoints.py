"""Run the audit's suites through GX checkpoints and build the Data Docs.

An ephemeral context keeps GX's stores in memory: nothing is written beside
the candidate or into the repository, only the Data Docs site, into the
directory the caller names. Each frame gets its own data asset, suite,
validation definition and checkpoint, because a checkpoint hands the same
batch parameters (here: the dataframe) to all its validation definitions.
The docs are built once at the end, from every result of the run.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from segmentation.audit.gx_import import gx
from segmentation.audit.table_audits import TableAudit

SITE_NAME = "audit"
DATASOURCE_NAME = "candidate"


@dataclass(frozen=True)
class GxRun:
    """What GX reported: overall success, every expectation result, and the
    Data Docs index."""

    success: bool
    results: list[Any]
    index_html: Path | None


def run_checkpoints(audits: list[TableAudit], docs_dir: Path) -> GxRun:
    """Validate each frame against its suite; build Data Docs in docs_dir."""
    context = _context(docs_dir)
    datasource = context.data_sources.add_pandas(DATASOURCE_NAME)
    success = True
    results: list[Any] = []
    for audit in audits:
        checkpoint = _checkpoint(context, datasource, audit)
        outcome = checkpoint.run(batch_parameters={"dataframe": audit.frame})
        success = success and outcome.success
        for validation in outcome.run_results.values():
            results.extend(validation.results)
    context.build_data_docs(site_names=[SITE_NAME])
    index = Path(docs_dir) / "index.html"
    return GxRun(success, results, index if index.is_file() else None)


def _context(docs_dir: Path) -> Any:
    context = gx.get_context(mode="ephemeral")
    context.enable_analytics(False)
    context.variables.progress_bars = {"globally": False, "metric_calculations": False}
    # The default site of an ephemeral context lives in a temporary directory
    # nobody looks at; only the caller's directory gets the docs.
    for name in list(context.list_data_docs_sites()):
        context.delete_data_docs_site(name)
    context.add_data_docs_site(
        SITE_NAME,
        {
            "class_name": "SiteBuilder",
            "store_backend": {
                "class_name": "TupleFilesystemStoreBackend",
                "base_directory": str(Path(docs_dir).resolve()),
            },
            "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
        },
    )
    return context


def _checkpoint(context: Any, datasource: Any, audit: TableAudit) -> Any:
    name = audit.asset_name
    batch = datasource.add_dataframe_asset(name).add_batch_definition_whole_dataframe(
        name
    )
    # Expectations given at construction: adding them one by one to a stored
    # suite re-saves the suite each time.
    suite = context.suites.add(
        gx.ExpectationSuite(name=f"audit_{name}", expectations=audit.expectations)
    )
    validation = context.validation_definitions.add(
        gx.ValidationDefinition(name=f"audit_{name}", data=batch, suite=suite)
    )
    return context.checkpoints.add(
        gx.Checkpoint(
            name=f"audit_{name}",
            validation_definitions=[validation],
            result_format={"result_format": "SUMMARY"},
        )
    )
