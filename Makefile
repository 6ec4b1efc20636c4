# Two commands do everything on a fresh machine with Python 3.11:
#   make run    set up .venv from the lock file, build on the demo data, print the segments
#   make test   everything CI checks: sqlfluff, ruff, pytest, dbt build with all tests
# `make help` lists the rest.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DB ?= warehouse/segmentation.duckdb
TEST_DB ?= warehouse/test.duckdb
N ?= 1000000
SEED ?= 42

# No usage reporting from dbt or Great Expectations, ever.
export DBT_SEND_ANONYMOUS_USAGE_STATS := false
export GX_ANALYTICS_ENABLED := false
export DO_NOT_TRACK := 1
export TZ := UTC

.PHONY: help setup run build summary personality test lint lint-sql lint-python format pytest dbt-test data bench clean

help:
	@echo "make run          set up, build everything on the demo data, print the segments"
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

run: setup build summary

build: setup
	SEGMENTATION_DB_PATH=$(DB) $(BIN)/dbt build

summary: setup
	$(BIN)/python -m segmentation.summary --db $(DB)

# The K-means models on a customer table instead of the RFM customers: the
# example's vars replace the defaults, and only the cluster marts and what
# they read are built (no order lines are read).
PERSONALITY_DB ?= warehouse/customer_personality.duckdb
personality: setup
	SEGMENTATION_DB_PATH=$(PERSONALITY_DB) $(BIN)/dbt build \
		--select +path:models/marts/clusters \
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
	$(BIN)/pytest

# The tests' own database, so an open dashboard on $(DB) cannot block them.
dbt-test: setup
	SEGMENTATION_DB_PATH=$(TEST_DB) $(BIN)/dbt build

data: setup
	$(BIN)/python -m segmentation.datagen --lines $(N) --seed $(SEED) \
		--out generated/order_lines_$(N).parquet

# RFM and K-means through dbt against pandas, then the K-means numerics
# against scikit-learn doing the same model selection on 1M customers.
bench: setup
	$(BIN)/python scripts/benchmark.py
	$(BIN)/python scripts/bench_kmeans.py --only pipeline

clean:
	rm -rf target logs dbt_packages generated .pytest_cache .ruff_cache
	rm -f warehouse/*.duckdb warehouse/*.duckdb.wal
