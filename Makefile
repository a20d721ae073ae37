# make run   - set up, train if needed, start the assistant (SQLite default)
# make test  - set up, train if needed, run every test
# make eval  - the assistant against two baselines on the held-out and real-world sets (results/eval/)
# make fuzz, make soak, make faults - never-silent checks (10,000 generated requests, 30 min of load, outages)
SHELL := /bin/bash
.DEFAULT_GOAL := run

# Rasa 3.6 needs Python 3.10: take the first interpreter that really is 3.10.
PYTHON310 ?= $(shell for p in python3.10 $$HOME/.pyenv/versions/3.10*/bin/python3.10 /usr/local/bin/python3.10 /usr/bin/python3.10; do \
	"$$p" -c 'import sys; assert sys.version_info[:2] == (3, 10)' 2>/dev/null && { command -v "$$p" || echo "$$p"; } && break; done)
VENV := .venv
PY := $(VENV)/bin/python
RASA := $(VENV)/bin/rasa

# Telemetry off in every command; quiet TensorFlow; project modules importable.
export RASA_TELEMETRY_ENABLED := false
export TF_CPP_MIN_LOG_LEVEL := 2
export PYTHONPATH := $(CURDIR)
export PYTHONHASHSEED := 0
export SQLALCHEMY_SILENCE_UBER_WARNING := 1
export RASA_PORT ?= 5005
export ACTION_PORT ?= 5055
export ACTION_ENDPOINT_URL ?= http://localhost:$(ACTION_PORT)/webhook
export TRACKER_DB ?= $(CURDIR)/var/tracker.db
export CALLBACK_DB_URL ?= sqlite:///$(CURDIR)/var/callbacks.db
export WEB_PORT ?= 8080
# endpoints.yml: SQLite tracker store (local); endpoints.prod.yml: PostgreSQL + Redis lock store
export ENDPOINTS ?= endpoints.yml
# Origins allowed to call the Rasa server from a browser (the clinic's website).
export WEB_ORIGINS ?= http://localhost:$(WEB_PORT) http://127.0.0.1:$(WEB_PORT)

TRAINING_INPUTS := config.yml domain.yml $(wildcard data/*.yml) $(wildcard components/*.py)

.PHONY: setup train run test eval validate unit stories heldout bench soak fuzz faults audit clean

# Parts with make rules of their own (mk/*.mk: the staff console, NLU evaluation) add their
# test targets to EXTRA_TESTS, which `make test` runs after the assistant's own tests.
EXTRA_TESTS :=
-include mk/*.mk
RUN_SETUP := $(if $(wildcard mk/console.mk),console-setup)

# Published models (endpoints.yml `models:`): the console's model server, and its token, made once
# into var/model_server_token when none is given (never in the repository).
export MODEL_SERVER_URL ?= http://127.0.0.1:$(or $(CONSOLE_PORT),8090)/model/live
ifndef MODEL_SERVER_TOKEN
MODEL_SERVER_TOKEN := $(shell mkdir -p var && { test -s var/model_server_token || (umask 077 && \
	od -An -tx1 -N32 /dev/urandom | tr -d ' \n' > var/model_server_token); } && cat var/model_server_token)
endif
export MODEL_SERVER_TOKEN

$(VENV)/.installed: requirements.lock
	@test -n "$(PYTHON310)" || { echo "Python 3.10 not found (Rasa 3.6 needs it)"; exit 1; }
	test -x $(PY) || $(PYTHON310) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade "pip==24.0"
	$(PY) -m pip install --quiet --no-deps -r requirements.lock
	$(PY) -m pip check
	touch $@

build/spacy-en/meta.json: $(VENV)/.installed scripts/build_spacy_pipeline.py
	$(PY) scripts/build_spacy_pipeline.py build/spacy-en

# The widget's one dependency, pinned in package-lock.json, copied next to the widget.
web/widget/socket.io.min.js: package-lock.json
	npm ci --no-audit --no-fund --silent
	cp node_modules/socket.io-client/dist/socket.io.min.js $@

setup: $(VENV)/.installed build/spacy-en/meta.json web/widget/socket.io.min.js
	@mkdir -p var models results

# Retrain only when the data, config or NLU components changed.
models/.trained: $(TRAINING_INPUTS) build/spacy-en/meta.json | setup
	$(RASA) train --quiet --num-threads 2 --out models
	touch $@

train: setup models/.trained

run: train $(RUN_SETUP)
	bash scripts/run.sh

validate: setup
	bash scripts/validate.sh

unit: setup
	$(PY) -m pytest -q tests/unit

stories: train
	$(RASA) test core --e2e --stories tests/test_stories.yml --fail-on-prediction-errors --out results/stories

heldout: train
	$(PY) -m tests.heldout.score --floor-accuracy 0.95

# tests/faults kills and restarts real processes; tests/fuzz runs a small fuzz campaign (FUZZ_CASES)
test: setup validate unit train stories heldout $(RUN_SETUP)
	$(PY) -m pytest -q tests/integration tests/production tests/faults tests/fuzz
	@$(if $(EXTRA_TESTS),$(MAKE) --no-print-directory $(EXTRA_TESTS))

# The assistant against tf-idf + LR and MiniLM + LR on the held-out and real-world sets (mk/nlu.mk).
eval: eval-compare

# Speed and memory, ours against the stock `rasa init` configuration on the same data.
bench: train
	$(PY) bench/run.py
	$(PY) bench/publish_swap.py

# Never silent: 10,000 generated requests on REST, signed SMS and socket.io (tests/fuzz/campaign.py).
fuzz: train
	$(PY) -m tests.fuzz.campaign --cases $(or $(FUZZ_CASES),10000)

# 30 minutes of the benchmark's mix at a steady rate; memory per process at start and end.
soak: train
	$(PY) bench/soak.py --minutes $(or $(SOAK_MINUTES),30)

# Only the fault tests (real processes killed and restarted).
faults: train
	$(PY) -m pytest -q tests/faults

# Known vulnerabilities in the pinned dependencies (needs PyPI's vulnerability data or OSV online).
audit: setup
	$(PY) -m pip install --quiet pip-audit==2.10.1 --target build/pip-audit
	PYTHONPATH=build/pip-audit $(PY) -m pip_audit -r requirements.lock --no-deps --disable-pip

clean:
	rm -rf models models-stock results var build
