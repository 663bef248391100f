# The two commands a newcomer needs: `make repro` and `make test`.
# Both create .venv from the pinned constraints.txt when it is missing or stale.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
# The stages' `python` (dvc.yaml) must be the venv's; nothing may wait on the network.
export PATH := $(abspath $(BIN)):$(PATH)
export DVC_NO_ANALYTICS := 1

.PHONY: repro test sweep figure lock

repro: $(INSTALLED)
	$(BIN)/dvc repro

test: $(INSTALLED)
	$(BIN)/python -m pytest

# The initialization sweep (experiments/variants.py) on DVC's queue, 2 workers.
sweep: $(INSTALLED)
	$(BIN)/python -m experiments.sweep

# The README's figure, from the sweep's experiments (docs/init-curves.png).
figure: $(INSTALLED)
	$(BIN)/python -m experiments.figure

$(INSTALLED): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[test,docs]'
	touch $@

# Re-pin every dependency to what resolves today (then commit constraints.txt).
lock:
	rm -rf $(VENV).lock && $(PYTHON) -m venv $(VENV).lock
	$(VENV).lock/bin/python -m pip install --quiet '.[test,docs]'
	$(VENV).lock/bin/python -m pip freeze --exclude-editable | grep -v '^digitnet' > constraints.txt
	rm -rf $(VENV).lock
