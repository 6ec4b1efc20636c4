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
PUBLISH_ARGS ?=
N ?= 1000000
SEED ?= 42

# No usage reporting from dbt or Great Expectations, ever.
export DBT_SEND_ANONYMOUS_USAGE_STATS := false
export GX_ANALYTICS_ENABLED := false
export DO_NOT_TRACK := 1
export TZ := UTC

.PHONY: help setup run build publish audit audiences summary personality test lint lint-sql lint-python format pytest dbt-test data bench clean

help:
	@echo "make run          set up, build + audit + publish on the demo data, print the segments"
	@echo "make build        plain dbt build into $(DB) (development; BI does not read it)"
	@echo "make publish      build a candidate, audit it, publish it to $(PUBLISHED) (PUBLISH_ARGS=...)"
	@echo "make audit        Great Expectations audit of $(DB); Data Docs in $(AUDIT_DOCS)"
	@echo "make audiences    ad-platform audience files from the published build into exports/"
	@echo "make test         sqlfluff + ruff + pytest + dbt build with every data and unit test"
	@echo "make personality  K-means on the Customer Personality table (examples/customer_personality)"
	@echo "make data N=...   write N synthetic order lines to generated/ (SEED=$(SEED))"
	@echo "make bench        time the pipeline against a pandas implementation at scale"
	@echo "make lint         sqlfluff and ruff only;  make format  apply ruff's formatting"
	@echo "make clean        remove build output (keeps .venv)"

$(VENV)/.installed: requirements.lock pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info[:2] >= (3, 11), "Python 3.11+ needed, found " + sys.version' \
		|| { echo "Set PYTHON=/path/to/python3.11"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps -e .
	@touch $@

setup: $(VENV)/.installed

run: setup publish
	$(BIN)/python -m segmentation.audiences --db $(PUBLISHED)
	$(BIN)/python -m segmentation.summary --db $(PUBLISHED)

# Ad-platform audience files (CSV + Parquet, hashes only) from the published
# build, with adds and removes since the last export. Exit 1 = failed.
audiences: setup
	$(BIN)/python -m segmentation.audiences --db $(PUBLISHED)

# Development: dbt writes $(DB) directly, tests run after each table.
build: setup
	SEGMENTATION_DB_PATH=$(DB) $(BIN)/dbt build

# Build into a fresh candidate file, audit it (dbt tests, then Great
# Expectations), and only then replace the file BI reads, atomically.
# Exit: 0 published, 1 dbt failed, 2 audit failed, 3 publish failed.
publish: setup
	$(BIN)/python -m segmentation.publish $(PUBLISH_ARGS)

audit: setup
	$(BIN)/python -m segmentation.audit --db $(DB) --docs-dir $(AUDIT_DOCS)

summary: setup
	$(BIN)/python -m segmentation.summary --db $(PUBLISHED)

# The K-means models on a customer table instead of the RFM customers: the
# example's vars replace the defaults, and only the cluster marts and what
# they read are built (no order lines are read).
PERSONALITY_DB ?= warehouse/customer_personality.duckdb
personality: setup
	SEGMENTATION_DB_PATH=$(PERSONALITY_DB) $(BIN)/dbt build \
		--select +path:models/marts/clusters +segment_budget \
		--vars "$$(cat examples/customer_personality/vars.yml)"
	$(BIN)/python -m segmentation.summary --db $(PERSONALITY_DB)

test: setup lint pytest dbt-test
	@echo "make test: all checks passed"

lint: lint-sql lint-python

lint-sql: setup
	$(BIN)/sqlfluff lint models tests analyses

lint-python: setup
	$(BIN)/ruff check src tests python_models scripts
	$(BIN)/ruff format --check src tests python_models scripts

format: setup
	$(BIN)/ruff format src tests python_models scripts

pytest: setup
	$(BIN)/pytest -n 2 --dist loadfile

# The whole scheduled path on the demo data: dbt build with every data and
# unit test, the Great Expectations audit, the publish. Into folders of its
# own, so an open dashboard on the real published file cannot block it.
dbt-test: setup
	$(BIN)/python -m segmentation.publish \
		--builds-dir warehouse/test-builds --publish-dir warehouse/test-published
	$(BIN)/python -m segmentation.audiences \
		--db warehouse/test-published/segments.duckdb --exports-dir warehouse/test-exports

data: setup
	$(BIN)/python -m segmentation.datagen --lines $(N) --seed $(SEED) $(if $(CONTACTS),--contacts) \
		--out generated/order_lines_$(N).parquet

# RFM and K-means through dbt against pandas, then the K-means numerics
# against scikit-learn doing the same model selection on 1M customers.
bench: setup
	$(BIN)/python scripts/benchmark.py
	$(BIN)/python scripts/bench_kmeans.py --only pipeline

# Keeps warehouse/published: BI reads it.
clean:
	rm -rf target logs dbt_packages generated .pytest_cache .ruff_cache
	rm -f warehouse/*.duckdb warehouse/*.duckdb.wal
	rm -rf warehouse/builds warehouse/test-builds warehouse/test-published warehouse/test-exports
