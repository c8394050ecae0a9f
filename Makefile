# Two commands on a fresh machine:
#   make run    set up .venv and start the assistant
#   make test   set up .venv and run the whole test suite (what CI runs)
#
# torch is installed first and pinned (TORCH) so that pip never picks another
# build: on this project's CPU machines torch==2.13.0 is the local CPU wheel.
# Override for your machine, e.g.  make run TORCH="torch==2.13.0 --index-url https://download.pytorch.org/whl/cu128"

PYTHON ?= python3
TORCH ?= torch==2.13.0
VENV := .venv
STAMP := $(VENV)/.installed

.PHONY: setup run test lint bench clean

setup: $(STAMP)

$(STAMP): pyproject.toml setup.py
	test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/python -m pip install -q $(TORCH)
	$(VENV)/bin/python -m pip install -q -e ".[dev]"
	touch $(STAMP)

run: $(STAMP)
	$(VENV)/bin/assistant

# one pytest worker per core (at most 4); a test file stays on one worker, so its
# module fixtures (tiny models, servers) are built once
test: $(STAMP)
	$(VENV)/bin/python -m pytest -n auto --maxprocesses 4 --dist loadfile

lint: $(STAMP)
	$(VENV)/bin/ruff check .

bench: $(STAMP)
	for b in bench/*.py; do $(VENV)/bin/python $$b || exit 1; done

clean:
	rm -rf $(VENV) build *.egg-info
