# Two commands do everything on a fresh machine with Python 3.11:
#   make run    set up .venv from the lock file, build on the demo data, print the segments
#   make test   everything CI checks: sqlfluff, ruff, pytest, dbt build with all tests
# `make help` lists the rest.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DB ?= warehouse/segmentation.duckdb
PUBLISHED ?= warehouse/published/segments.duckdb
AUDIT_DOCS ?= target/audit_docs
REPORT ?= reports/segment_report.html
REPORT_PDF ?= reports/segment_report.pdf
REPORT_LANG ?= en
REPORT_ARGS ?=
PERSONALITY_REPORT ?= reports/customer_personality_report.html
PERSONALITY_REPORT_PDF ?= reports/customer_personality_report.pdf
CHROMIUM ?= /usr/bin/chromium
PUBLISH_ARGS ?=
N ?= 1000000
SEED ?= 42

# No usage reporting from dbt or Great Expectations, ever.
export DBT_SEND_ANONYMOUS_USAGE_STATS := false
export GX_ANALYTICS_ENABLED := false
export DO_NOT_TRACK := 1
export TZ := UTC

.PHONY: help setup run build publish refresh audit audiences summary personality report chromium test test-spark lint lint-sql lint-python format pytest dbt-test docs-check data bench clean docs docs-serve dag

help:
	@echo "make run          set up, build + audit + publish on the demo data, print the segments"
	@echo "make build        plain dbt build into $(DB) (development; BI does not read it)"
	@echo "make publish      build a candidate, audit it, publish it to $(PUBLISHED) (PUBLISH_ARGS=...)"
	@echo "make refresh      publish, adding only new input files to the last published build"
	@echo "make audit        Great Expectations audit of $(DB); Data Docs in $(AUDIT_DOCS)"
	@echo "make audiences    ad-platform audience files from the published build into exports/"
	@echo "make report       segment report (interactive HTML; PDF with Chromium) from the published build: $(REPORT)"
	@echo "make test         sqlfluff + ruff + pytest + dbt build with every data and unit test"
	@echo "make test-spark   build on Apache Spark (local cluster) and compare the marts with DuckDB's"
	@echo "make personality  K-means on the Customer Personality table, and its report (examples/customer_personality)"
	@echo "make docs         dbt docs site of the published build: target/static_index.html (make docs-serve)"
	@echo "make dag          redraw docs/architecture.md's DAG picture from the dbt manifest"
	@echo "make data N=...   write N synthetic order lines to generated/ (SEED=$(SEED))"
	@echo "make bench        time the pipeline against a pandas implementation at scale, and the CLV fit"
	@echo "make lint         sqlfluff and ruff only;  make format  apply ruff's formatting"
	@echo "make clean        remove build output (keeps .venv)"

$(VENV)/.installed: requirements.lock pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info[:2] >= (3, 11), "Python 3.11+ needed, found " + sys.version' \
		|| { echo "Set PYTHON=/path/to/python3.11"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps -e .
	@touch $@

# The venv and Chromium install side by side: neither needs the other.
setup:
	@$(MAKE) --no-print-directory -j2 $(VENV)/.installed chromium

# Debian's chromium opens the segment report in its browser test and prints
# it to PDF; Playwright drives it and downloads no browser of its own. Only
# root (or passwordless sudo) can install it: anyone else is told how, and
# everything else still works (the HTML report needs no browser).
chromium:
	@if [ -x $(CHROMIUM) ]; then :; \
	elif [ "$$(id -u)" = 0 ]; then SUDO=; \
	elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then SUDO=sudo; \
	else SUDO=none; fi; \
	if [ "$$SUDO" = none ]; then \
		echo "NOTE: Chromium is not installed at $(CHROMIUM) and this user cannot install it." >&2; \
		echo "      The HTML report is written anyway; its PDF and browser test are skipped." >&2; \
		echo "      To get them: as root, apt-get install -y --no-install-recommends chromium" >&2; \
		echo "      (or set SEGMENTATION_CHROMIUM to a Chromium or Chrome binary)." >&2; \
	elif [ -n "$${SUDO+x}" ]; then \
		echo "Installing Debian's chromium (report PDF and browser test)"; \
		$$SUDO apt-get update -qq && \
		$$SUDO env DEBIAN_FRONTEND=noninteractive \
			apt-get install -y -qq --no-install-recommends chromium >/dev/null \
		|| echo "NOTE: apt-get could not install chromium: the report PDF and browser test will be skipped." >&2; \
	fi

run: setup publish
	$(BIN)/segmentation audiences --db $(PUBLISHED)
	$(BIN)/segmentation docs --published $(PUBLISHED)
	$(BIN)/segmentation report --db $(PUBLISHED) --out $(REPORT) \
		--lang $(REPORT_LANG) --pdf $(REPORT_PDF) $(REPORT_ARGS)
	$(BIN)/segmentation summary --db $(PUBLISHED) --report $(REPORT) --report $(REPORT_PDF)

# Ad-platform audience files (CSV + Parquet, hashes only) from the published
# build, with adds and removes since the last export. Exit 1 = failed.
audiences: setup
	$(BIN)/segmentation audiences --db $(PUBLISHED)

# The segment report from the published build, never the build database:
# one self-contained, interactive HTML file, always, and its PDF where
# Chromium is installed (REPORT_LANG=fr for French; REPORT_ARGS for more
# options, e.g. --currency EUR; docs/report.md).
report: setup
	$(BIN)/segmentation report --db $(PUBLISHED) --out $(REPORT) \
		--lang $(REPORT_LANG) --pdf $(REPORT_PDF) $(REPORT_ARGS)

# Development: dbt writes $(DB) directly, tests run after each table.
build: setup
	SEGMENTATION_DB_PATH=$(DB) $(BIN)/dbt build || { \
		$(BIN)/python -m segmentation.publish.failure_reasons --db $(DB); exit 1; }

# Build into a fresh candidate file, audit it (dbt tests, then Great
# Expectations), and only then replace the file BI reads, atomically.
# Exit: 0 published, 1 dbt failed, 2 audit failed, 3 publish failed.
publish: setup
	$(BIN)/segmentation publish $(PUBLISH_ARGS)

# The same, from a copy of the last published build, reading only the input
# files it has not read (docs/refresh.md); a full build when it cannot.
refresh: setup
	$(BIN)/segmentation publish --refresh $(PUBLISH_ARGS)

audit: setup
	$(BIN)/segmentation audit --db $(DB) --docs-dir $(AUDIT_DOCS)

summary: setup
	$(BIN)/segmentation summary --db $(PUBLISHED)

# The K-means models on a customer table instead of the RFM customers: the
# example's vars replace the defaults, and only the cluster marts and what
# they read are built (no order lines are read). Ends with its own report,
# from that build database (not a published file, hence --allow-unpublished).
PERSONALITY_DB ?= warehouse/customer_personality.duckdb
personality: setup
	SEGMENTATION_DB_PATH=$(PERSONALITY_DB) $(BIN)/dbt build \
		--select +path:models/marts/clusters +segment_budget \
		--vars "$$(cat examples/customer_personality/vars.yml)"
	$(BIN)/segmentation summary --db $(PERSONALITY_DB)
	$(BIN)/segmentation report --db $(PERSONALITY_DB) --allow-unpublished \
		--out $(PERSONALITY_REPORT) --lang $(REPORT_LANG) --pdf $(PERSONALITY_REPORT_PDF) $(REPORT_ARGS)

# dbt-test first: the tests that only read a default build of the demo data
# (the report, the real-data checks, the description check) then read the
# file it published and the candidate it built instead of building again.
# Lint runs beside dbt-test (sqlfluff uses one core; dbt's parse and the
# audit mostly one too); each one's output is printed when it ends.
test: setup
	$(MAKE) --no-print-directory -j2 --output-sync=target lint dbt-test
	SEGMENTATION_REPORT_TEST_DB=warehouse/test-published/segments.duckdb \
	SEGMENTATION_TEST_BUILD=$$(ls -t warehouse/test-builds/build_*/candidate.duckdb | head -n 1) \
		$(MAKE) --no-print-directory pytest
	@echo "make test: all checks passed"

# The SQL layer on Apache Spark: dbt-spark and pyspark on top of the lock
# (requirements-spark.lock), Java 17+ (installed when missing), then the
# project built on DuckDB and on a local Spark cluster with every test, and
# every mart both build compared row for row. Work files in warehouse/spark.
$(VENV)/.spark-installed: $(VENV)/.installed requirements-spark.lock
	$(BIN)/pip install --quiet --disable-pip-version-check \
		-c requirements.lock -r requirements-spark.lock
	@touch $@

test-spark: setup $(VENV)/.spark-installed
	bash scripts/ensure_java.sh
	$(BIN)/python -m segmentation_dev.engines.spark_check --work-dir warehouse/spark

lint: lint-sql lint-python

lint-sql: setup
	$(BIN)/sqlfluff lint models tests analyses

lint-python: setup
	$(BIN)/ruff check src tests python_models scripts
	$(BIN)/ruff format --check src tests python_models scripts

format: setup
	$(BIN)/ruff format src tests python_models scripts

pytest: setup
	$(BIN)/pytest -n 2

# The whole scheduled path on the demo data: dbt build with every data and
# unit test, the Great Expectations audit, the publish. Into folders of its
# own, so an open dashboard on the real published file cannot block it.
dbt-test: setup
	$(BIN)/segmentation publish \
		--builds-dir warehouse/test-builds --publish-dir warehouse/test-published
	$(BIN)/segmentation audiences \
		--db warehouse/test-published/segments.duckdb --exports-dir warehouse/test-exports
	$(BIN)/segmentation report --db warehouse/test-published/segments.duckdb \
		--out warehouse/test-reports/segment_report.html
	$(MAKE) --no-print-directory docs-check

# Every model, column, seed, snapshot, source, macro and its arguments, test
# and exposure described, and no built column left out of the yml: dbt's
# catalog of the build dbt-test just published (no compile, its parse
# reused: about 10 s).
docs-check: setup
	$(BIN)/python -m segmentation_dev.docs_check \
		--published warehouse/test-published/segments.duckdb --builds-dir warehouse/test-builds

# The dbt docs site (lineage from the order inputs to the exposures, every
# model and column described), with the catalog of the published build:
# target/static_index.html is one self-contained page to send people.
docs: setup
	$(BIN)/segmentation docs --published $(PUBLISHED)

docs-serve: docs
	$(BIN)/dbt docs serve --port 8080 --no-browser

# The DAG picture of docs/architecture.md, from a fresh parse (tests/python/test_docs_check.py
# fails when it is out of date).
dag: setup
	$(BIN)/dbt parse --quiet
	$(BIN)/python -m segmentation_dev.docs_dag --manifest target/manifest.json --page docs/architecture.md

data: setup
	$(BIN)/segmentation data --lines $(N) --seed $(SEED) $(if $(CONTACTS),--contacts) \
		--out generated/order_lines_$(N).parquet

# RFM and K-means through dbt against pandas, then the K-means numerics
# against scikit-learn doing the same model selection on 1M customers, then
# the CLV fit and predictions of 1M customers (target: under 30 s).
bench: setup
	$(BIN)/python scripts/benchmark.py
	$(BIN)/python scripts/bench_kmeans.py --only pipeline
	$(BIN)/python scripts/bench_clv.py

# Keeps warehouse/published: BI reads it.
clean:
	rm -rf target logs dbt_packages generated .pytest_cache .ruff_cache
	rm -f warehouse/*.duckdb warehouse/*.duckdb.wal
	rm -rf warehouse/builds warehouse/test-builds warehouse/test-published warehouse/test-exports warehouse/test-reports
	rm -rf warehouse/spark
