"""Publish (issue 18, point 3): one flow for answer edits and staff labels.

A candidate model trains in the background (`python -m publishing run <release_id>`, main venv: Rasa),
a gate runs the floors of `make test` on it beside the live model, and the console publishes a passed
candidate by pointing the content store's live release at it; every Rasa server pulls it from the
console's model server (GET /model/live, rasa_fixes/model_pull.py) with no lost message.

- releases.py: the release rows, the live model, publish and roll back (no Rasa: the console imports it);
- inputs.py: the training inputs (copied, never written into data/), their hash, the staff labels check;
- answers.py: the candidate answers (domain + draft overrides) and their SMS length;
- gate.py: the floors and the candidate beside the live model;
- worker.py: train, gate, record progress and the report.
"""
