# Circlekeeper: `make run` starts the app, `make test` runs every check. Both create .venv when missing.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PY     := $(BIN)/python
# Run under Xvfb where there is no display (the e2e tests start their own).
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: run test lint typecheck imports pytest bench bundle demo screenshots clean

$(PY):
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Circlekeeper needs Python 3.11 or newer; set PYTHON=python3.11")'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.installed-app: pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e .
	@touch $@

$(VENV)/.installed-test: pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e '.[test]'
	@touch $@ $(VENV)/.installed-app

$(VENV)/.installed-bundle: pyproject.toml | $(VENV)/.installed-test
	$(PY) -m pip install --quiet -e '.[test,bundle]'
	@touch $@

run: $(VENV)/.installed-app
	$(PY) -m app

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(VENV)/.installed-test
	$(BIN)/mypy --strict

imports: $(VENV)/.installed-test
	$(BIN)/lint-imports

pytest: $(VENV)/.installed-bundle
	$(PY) -m pytest $(PYTEST_ARGS)

test: lint typecheck imports pytest

bench: $(VENV)/.installed-test
	$(PY) -m bench $(BENCH_ARGS)

bundle: $(VENV)/.installed-bundle
	$(BIN)/pyinstaller --noconfirm --clean build.spec

# Re-take the README's screenshots (docs/screenshots/); look at them before committing.
screenshots: $(VENV)/.installed-test
	CIRCLEKEEPER_SCREENSHOTS=1 $(PY) -m pytest tests/e2e tests/gui -q -k "screenshot or e2e"

demo: $(VENV)/.installed-app
	$(PY) -m app demo

clean:
	rm -rf build dist .mypy_cache .ruff_cache .pytest_cache .benchmarks
