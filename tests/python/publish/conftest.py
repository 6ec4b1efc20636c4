"""One real run of the whole pipeline per test run, shared by the workers
(dbt on a small CSV, with clustering off to keep it short), and, at the same
time on the second core, one run whose data test fails. Tests read their
outcome; the pipeline tests that are not about dbt reuse the real build's
artifacts."""

from __future__ import annotations

import io
import json
import subprocess
from pathlib import Path

import duckdb
import pytest
from built_once import built_once
from dbt_project_runner import publish_command, with_shared_parse_cache
from pipeline_data import ORDERS_CSV, PROJECT_DIR, AuditCall, PipelineRuns, Verdict
from publish_helpers import TABLES, make_candidate, metadata, sha256

from segmentation.publish import publish_candidate, run_pipeline


def dbt_vars(csv: Path, max_quarantine_share: float) -> str:
    return json.dumps(
        {
            "clustering_enabled": False,
            # Four customers over two months: too few for the CLV fits and
            # shorter than the default holdout.
            "clv_enabled": False,
            "order_inputs": [{"name": "shop", "path": str(csv)}],
            "max_quarantine_share": max_quarantine_share,
        }
    )


@pytest.fixture(scope="session")
def pipeline_runs(tmp_path_factory) -> PipelineRuns:
    return built_once(tmp_path_factory, "pipeline", run_both)


def run_both(tmp: Path) -> PipelineRuns:
    csv = tmp / "orders.csv"
    csv.write_text(ORDERS_CSV)

    # The failing run: a published file already there must not change.
    failed_publish_dir = tmp / "failed_published"
    previous = make_candidate(tmp / "previous.duckdb", customers=50, label="prev")
    publish_candidate(
        previous, failed_publish_dir, tables=TABLES, metadata=metadata("previous")
    )
    failed_sha = sha256(failed_publish_dir / "segments.duckdb")
    failing = subprocess.Popen(
        publish_command(
            with_shared_parse_cache(tmp / "failed_builds"),
            failed_publish_dir,
            "--vars",
            dbt_vars(csv, 0.0),  # one guest line of six is over a 0% limit
        ),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )

    audit_calls: list[AuditCall] = []
    ok_publish_dir = tmp / "published"

    def audit(candidate: Path) -> Verdict:
        with duckdb.connect(str(candidate), read_only=True) as con:
            customers = con.execute("SELECT count(*) FROM customer_segments")
            customers = customers.fetchall()[0][0]
        audit_calls.append(
            AuditCall(
                candidate, (ok_publish_dir / "segments.duckdb").exists(), customers
            )
        )
        return Verdict(customers > 0, [] if customers else ["no customers"])

    out, err = io.StringIO(), io.StringIO()
    ok = run_pipeline(
        project_dir=PROJECT_DIR,
        publish_dir=ok_publish_dir,
        builds_dir=with_shared_parse_cache(tmp / "builds"),
        dbt_args=["--vars", dbt_vars(csv, 0.5)],
        audit=audit,
        out=out,
        err=err,
    )
    failed_out, failed_err = failing.communicate(timeout=600)
    return PipelineRuns(
        ok=ok,
        ok_out=out.getvalue(),
        ok_err=err.getvalue(),
        ok_publish_dir=ok_publish_dir,
        ok_builds_dir=tmp / "builds",
        audit_calls=audit_calls,
        failed_code=failing.returncode,
        failed_out=failed_out,
        failed_err=failed_err,
        failed_publish_dir=failed_publish_dir,
        failed_builds_dir=tmp / "failed_builds",
        failed_published_sha=failed_sha,
    )
