PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test test-offline lint bench eval clean

$(STAMP): pyproject.toml requirements.lock
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip "setuptools==80.9.0"  # scrapyd-deploy builds its egg with it (scrapyd wants <81)
	$(BIN)/python -m pip install --quiet -c requirements.lock -e '.[dev,browse,parquet,distributed,scrapyd,research]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/newsarchive demo

# One worker per core, whole files to a worker (a file's module fixtures, such as one shared
# crawl, are made once): 7 minutes on 2 cores, against 13 one after the other.
PYTEST = $(BIN)/python -m pytest -q -n auto --dist loadfile

test: $(STAMP) $(PYWB_STAMP)
	$(PYTEST)

# pywb lives in a venv of its own (it pins redis 2.10); made before the tests, which may run
# where nothing can be downloaded.
PYWB_STAMP := .venv-pywb/.installed

$(PYWB_STAMP):
	test -x .venv-pywb/bin/python || $(PY) -m venv .venv-pywb
	.venv-pywb/bin/python -m pip install --quiet --upgrade pip
	.venv-pywb/bin/python -m pip install --quiet pywb==2.10.0
	touch $(PYWB_STAMP)

# The suite in a network namespace with only loopback (root, or unshare rights): a test that
# tries to reach or resolve anything outside fails at once instead of sending a packet.
test-offline: $(STAMP) $(PYWB_STAMP)
	unshare -n sh -c 'ip link set lo up && exec $(PYTEST)'

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

BENCH_STAMP := $(VENV)/.bench-installed

$(BENCH_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -c requirements.lock -e '.[dev,bench]'
	touch $(BENCH_STAMP)

bench: $(BENCH_STAMP)
	$(BIN)/python benchmarks/run.py

eval: $(BENCH_STAMP)
	$(BIN)/python benchmarks/eval_corpus.py

clean:
	rm -rf $(VENV) data .pytest_cache
