# The front-desk console (console/): its own venv on current libraries (Rasa 3.6 pins old ones).
#   make console-setup   venv from console/requirements.lock, axe-core for the accessibility checks
#   make console-test    unit + security + PostgreSQL tests (console venv), then the browser test
#                        against the real assistant (main venv: Rasa, Playwright)
#   make console-bench   100,000 seeded conversations, p95 of each view (SQLite; PostgreSQL too)
# Run wiring: console/.venv/bin/python -m console init ; ... -m console serve --port $(CONSOLE_PORT)
CONSOLE_PYTHON ?= $(shell for p in python3.11 python3.10; do command -v $$p >/dev/null && { command -v $$p; break; }; done)
CONSOLE_VENV := console/.venv
CONSOLE_PY := $(CONSOLE_VENV)/bin/python
export CONSOLE_PORT ?= 8090
export CONSOLE_DB_URL ?= sqlite:///$(CURDIR)/var/console.db

.PHONY: console-setup console-test console-test-unit console-test-e2e console-bench

$(CONSOLE_VENV)/.installed: console/requirements.lock
	@test -n "$(CONSOLE_PYTHON)" || { echo "console: python3.11 or python3.10 not found"; exit 1; }
	test -x $(CONSOLE_PY) || $(CONSOLE_PYTHON) -m venv $(CONSOLE_VENV)
	$(CONSOLE_PY) -m pip install --quiet --no-deps -r console/requirements.lock
	$(CONSOLE_PY) -m pip check
	touch $@

console/node_modules/axe-core/axe.min.js: console/package-lock.json
	cd console && npm ci --no-audit --no-fund --silent
	touch $@

console-setup: $(CONSOLE_VENV)/.installed console/node_modules/axe-core/axe.min.js

console-test-unit: console-setup
	$(CONSOLE_PY) -m pytest -q -p no:cacheprovider -W ignore::DeprecationWarning -W 'ignore:Using' tests/console \
		--ignore=tests/console/test_console_e2e.py --ignore=tests/console/test_clinic_admin_e2e.py

console-test-e2e: console-setup train
	$(PY) -m pytest -q -p no:cacheprovider tests/console/test_console_e2e.py tests/console/test_clinic_admin_e2e.py

console-test: console-test-unit console-test-e2e

console-bench: console-setup
	$(CONSOLE_PY) -m console.bench

EXTRA_TESTS += console-test
