"""Small, measured fixes to Rasa 3.6 itself, applied when our model loads (see components/__init__.py).

Each fix keeps Rasa's behaviour and only removes a cost; each has a test in tests/unit/test_rasa_fixes.py.
"""
from rasa_fixes import action_result_schema, event_types

action_result_schema.apply()
event_types.apply()
