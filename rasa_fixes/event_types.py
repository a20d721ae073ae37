"""Look up event classes by name once, not by walking the class tree for every event.

Rasa 3.6's `Event.resolve_by_type` rebuilds the list of every Event subclass (recursively, with an
`inspect.isabstract` check each) for each event it reads: every event of a conversation loaded from
the tracker store and every event an action returns, on every turn. A booking conversation has
~60 events, so that was ~2 ms per turn here. The answers are the same: the first class with that
`type_name`, Rasa's own fallbacks for unknown names.
"""
from typing import Dict, Optional, Type

from rasa.shared.core.events import Event

_original = Event.resolve_by_type
_cache: Dict[str, Type[Event]] = {}


def _resolve_by_type(type_name: str, default: Optional[Type[Event]] = None) -> Optional[Type[Event]]:
    found = _cache.get(type_name)
    if found is not None:
        return found
    result = _original(type_name, default)  # unknown names: Rasa's own answer (None, default or error)
    if result is not None and result is not default:
        _cache[type_name] = result
    return result


def apply() -> None:
    Event.resolve_by_type = staticmethod(_resolve_by_type)
