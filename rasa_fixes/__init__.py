"""Small fixes to Rasa 3.6 itself. Each has a test in tests/unit/test_rasa_fixes.py, tests/unit/test_model_pull.py
or tests/faults/.

Safety (applied by channels/__init__.py, i.e. whenever the Rasa server starts with our channels,
before the tracker store is made):
- degraded_actions: a failed or hung action server gives a short reply instead of silence;
- tracker_store: stale database connections (after a PostgreSQL restart) are replaced, not used;
- model_pull: with a model server (publish), the local model still loads first, and a new model
  loads beside the old one instead of stalling every message.
Speed (applied when our model loads, components/__init__.py, so `make bench`'s stock reference
runs Rasa's own code): action_result_schema, event_types, same behaviour with less CPU per turn.
"""
from rasa_fixes import action_result_schema, degraded_actions, event_types, model_pull, tracker_store


def apply_safety() -> None:
    degraded_actions.apply()
    tracker_store.apply()
    model_pull.apply()


def apply_speed() -> None:
    action_result_schema.apply()
    event_types.apply()
