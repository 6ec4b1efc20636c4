"""Fixtures of the audit tests: one good candidate per session, copied and
broken per test."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from audit_candidates import write_good_candidate

os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")


@pytest.fixture(scope="session")
def good_candidate(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_good_candidate(tmp_path_factory.mktemp("good") / "candidate.duckdb")
