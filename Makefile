# Entry points. Each target creates (or reuses) the project virtual environment .venv and
# installs what it needs, so a fresh machine needs only Python 3.11+ and make.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-dev

.PHONY: report test test-data fuzz lab lint format notebooks benchmark clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# An editable install of a flat layout makes setuptools print an informational note ("be careful
# with folders ... with the same name as your package"): that folder is the package itself, so
# the one note is silenced by its message; every other warning still shows.
$(STAMP): pyproject.toml | $(BIN)/python
	PYTHONWARNINGS="ignore:Editable installation" $(BIN)/python -m pip install --quiet -e ".[dev,notebooks]"
	@touch $(STAMP)

## report: the whole job on the embedded synthetic sample (offline), outputs in data/ and reports/
report: $(STAMP)
	$(BIN)/brainwaste report --sample

## test: every test, including the notebooks (nbval)
# --nbval-lax: the notebooks are stored without outputs, so each is executed and must not raise,
# but outputs are not compared (see the README, "Notebooks"). --nbval-current-env: this venv.
test: $(STAMP)
	$(BIN)/python -m pytest tests notebooks --nbval-lax --nbval-current-env -p no:cacheprovider -q

## test-data: fetch the official files the tests use beyond those vendored in tests/fixtures/official
# Each file of tests/fixtures/registry.csv marked "no" lands in tests/fixtures/fetched with its
# pinned SHA-256: from MIRROR (a folder or URL laid out like ../shared/data; also
# $$BRAINWASTE_TEST_DATA_MIRROR) when given, else from the Census server or the repository copy.
test-data: $(STAMP)
	$(BIN)/python scripts/fetch_test_data.py $(if $(MIRROR),--mirror "$(MIRROR)")

## fuzz: the reader's property tests with thousands of generated files (not part of `make test`)
fuzz: $(STAMP)
	BRAINWASTE_FUZZ=1 $(BIN)/python -m pytest tests/pums/test_reader_properties.py -p no:cacheprovider -q

## lab: JupyterLab on the notebooks
lab: $(STAMP)
	$(BIN)/jupyter lab notebooks/

## notebooks: render the notebooks with other parameters, e.g. make notebooks PARAMS="-p states NY,NJ"
notebooks: $(STAMP)
	$(BIN)/python -m brainwaste.notebooks $(PARAMS)

lint: $(STAMP)
	$(BIN)/ruff check brainwaste tests scripts benchmarks
	$(BIN)/ruff format --check brainwaste tests scripts benchmarks

format: $(STAMP)
	$(BIN)/ruff format brainwaste tests scripts benchmarks
	$(BIN)/ruff check --fix brainwaste tests scripts benchmarks

## benchmark: speed and memory at national scale (not part of the tests); see docs/performance.md
benchmark: $(STAMP)
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf data/processed/*.csv data/processed/*.parquet data/processed/*.json reports/figures reports/tables reports/index.html
