# Two commands on a fresh machine: `make demo` (or `make crawl`) and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
MODE ?= latest
STORIES ?= 300

.PHONY: install crawl demo test lint bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

# Byte-code written ahead: each run would otherwise compile our modules again (~0.1 s of
# CPU) wherever PYTHONDONTWRITEBYTECODE is set; cheap when nothing changed.
install: $(STAMP)
	@$(BIN)/python -m compileall -q tcacrawler replica > /dev/null

## crawl: the live site, incremental by default (MODE=full for a backfill)
crawl: install
	$(BIN)/scrapy crawl timesca -a mode=$(MODE)

## demo: the same crawl against the bundled replica of the site, served on 127.0.0.1
demo: install
	$(BIN)/python -m replica.demo --stories $(STORIES)

## test: lint, type-check and the whole test suite (real server, real SQLite, real scrapy crawl)
test: install lint
	$(BIN)/pytest -n 2 -q

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

bench: install
	$(BIN)/python benchmarks/run_all.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
