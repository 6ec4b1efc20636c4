"""The audit between build and publish, behind a tiny protocol so the
pipeline does not depend on how the audit is done (the default is
`segmentation.audit.run_audit`, imported only when used)."""

from __future__ import annotations

import contextlib
import importlib
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

DEFAULT_AUDIT_MODULE = "segmentation.audit"


class AuditOutcome(Protocol):
    """What the pipeline reads from an audit's result."""

    success: bool
    failures: list[str]
    report_path: Path | None


AuditFn = Callable[[Path], AuditOutcome]


@dataclass
class AuditVerdict:
    """An AuditOutcome made by the pipeline itself (audit missing or crashed)."""

    success: bool
    failures: list[str] = field(default_factory=list)
    report_path: Path | None = None


def default_audit(docs_dir: Path) -> AuditFn:
    """`segmentation.audit.run_audit` writing its report under `docs_dir`."""

    def audit(candidate: Path) -> AuditOutcome:
        # Lazy: may not be installed (preload_default_audit may have
        # imported it already).
        from segmentation.audit import run_audit

        return run_audit(candidate, docs_dir=docs_dir)

    return audit


def preload_default_audit() -> None:
    """Import the default audit (Great Expectations takes seconds to import)
    in a background thread, while dbt builds in its own process. The audit
    step's own import then finds it loaded, or waits for it; an import that
    fails here fails again there, where run_audit_step reports it."""

    def load() -> None:
        # A failure is reported by the audit step, which imports it again.
        with contextlib.suppress(Exception):
            importlib.import_module(DEFAULT_AUDIT_MODULE)

    threading.Thread(target=load, name="preload-audit", daemon=True).start()


def run_audit_step(audit: AuditFn, candidate: Path) -> AuditOutcome:
    """Run `audit`; a missing module or a crash is a failed audit, never a
    pass: nothing is published without a verdict."""
    try:
        outcome = audit(candidate)
    except ModuleNotFoundError as err:
        return AuditVerdict(
            False,
            [
                f"the audit could not run: module {err.name!r} is not available "
                f"({err}); use --skip-audit to publish without an audit"
            ],
        )
    except Exception as err:  # any crash means "not audited"
        return AuditVerdict(False, [f"the audit crashed: {type(err).__name__}: {err}"])
    if not outcome.success and not list(outcome.failures):
        return AuditVerdict(
            False, ["the audit failed without naming a failure"], outcome.report_path
        )
    return outcome
