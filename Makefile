# Two commands, as in the README:
#   make run   — set up and start the dashboard (sample case preloaded)
#   make test  — set up and run every test
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
PORT   ?= 8501

.PHONY: run test bench clean

$(VENV)/.runtime: requirements.txt constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt -c constraints.txt
	touch $@

$(VENV)/.dev: $(VENV)/.runtime requirements-dev.txt constraints.txt
	$(PY) -m pip install --quiet -r requirements-dev.txt -c constraints.txt
	touch $@

run: $(VENV)/.runtime
	$(PY) -m streamlit run app.py --server.headless true --server.port $(PORT) --browser.gatherUsageStats false

test: $(VENV)/.dev
	bash scripts/system-deps.sh
	$(PY) -m pytest

bench: $(VENV)/.dev
	for b in benchmarks/bench_*.py; do $(PY) $$b || exit 1; done

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis
