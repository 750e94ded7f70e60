# dateline: `make demo` sets up .venv and runs on the bundled articles; `make test` runs the tests.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PIP    := $(BIN)/python -m pip --disable-pip-version-check -q
DB     ?= dateline.db

.PHONY: demo test bench quality lock lint clean

$(VENV)/.runtime: requirements/runtime.txt pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null || \
	  { echo "dateline needs Python >= 3.11; found: $$($(PYTHON) --version 2>&1). Run: make PYTHON=python3.11 ..."; exit 1; }
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@echo "Installing pinned dependencies into $(VENV) (first run only)..."
	$(PIP) install -r requirements/runtime.txt
	$(PIP) install --no-deps -e .
	@touch $@

$(VENV)/.dev: requirements/dev.txt $(VENV)/.runtime
	$(PIP) install -r requirements/dev.txt
	@touch $@

demo: $(VENV)/.runtime
	$(BIN)/dateline ingest demo/corpus --db $(DB)
	$(BIN)/dateline articles --db $(DB)
	$(BIN)/dateline entities --db $(DB) --limit 15
	$(BIN)/dateline times --db $(DB) --limit 15
	$(BIN)/dateline events --db $(DB) --modality asserted --limit 20
	$(BIN)/dateline stories --db $(DB)
	$(BIN)/dateline story --db $(DB) --modality asserted
	$(BIN)/dateline stats --db $(DB)
	@echo "Next: $(BIN)/dateline show ARTICLE_ID --db $(DB), $(BIN)/dateline entity NAME --db $(DB), $(BIN)/dateline timeline --actor NAME --db $(DB)"

test: $(VENV)/.dev
	$(BIN)/python -m pytest $(PYTEST_ARGS)

bench: $(VENV)/.dev
	$(BIN)/python bench/run.py

# Score the pipeline on the gold sets in ../shared/eval, check the floors, rewrite docs/quality.md.
quality: $(VENV)/.dev
	$(BIN)/python -m dateline.evaluation.quality --eval-dir ../shared/eval --write-docs docs/quality.md > /dev/null

lint: $(VENV)/.dev
	$(BIN)/ruff check src tests bench

# Regenerate the pinned lock files from pyproject.toml (maintainers only).
lock: $(VENV)/.dev
	cd requirements && ../$(BIN)/pip-compile -q --strip-extras --no-emit-index-url --no-emit-find-links \
	  --allow-unsafe -o runtime.txt ../pyproject.toml
	cd requirements && ../$(BIN)/pip-compile -q --strip-extras --no-emit-index-url --no-emit-find-links \
	  --allow-unsafe --extra test --extra postgres --extra dev -c runtime.txt -o dev.txt ../pyproject.toml

clean:
	rm -rf $(VENV) build dist src/*.egg-info .pytest_cache .hypothesis
