# kubetriage: `make demo` and `make test` work on a fresh machine (they build .venv first).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install demo test lint eval suites run run-demo bench manifests clean
# Where `make suites` renders every bundled scenario suite; `kubetriage eval`/`demo` read it (they never import devtools).
SUITES := $(or $(KUBETRIAGE_STATE_DIR),.kubetriage)/suites

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

suites: $(STAMP)
	$(BIN)/python -m devtools.suites $(SUITES)

demo: suites
	$(BIN)/kubetriage demo

test: $(STAMP)
	bash .ci/setup
	$(BIN)/ruff check .
	$(BIN)/pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check . || true

eval: suites
	$(BIN)/kubetriage eval $(SUITES)

run: $(STAMP)
	$(BIN)/python -m devtools.run_local

run-demo: $(STAMP)
	$(BIN)/python -m devtools.run_local --demo

bench: $(STAMP)
	$(BIN)/python -m bench

manifests: $(STAMP)
	@$(shell command -v kubectl || echo /usr/lib/google-cloud-sdk/bin/kubectl.1.32) kustomize knative/

clean:
	rm -rf $(VENV) .kubetriage build *.egg-info
