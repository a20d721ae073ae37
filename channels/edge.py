"""What every channel checks before a message reaches Rasa, a tracker store or a database.

One bad request must never stop a server or reach storage: a lone UTF-16 surrogate ("\\ud800",
valid JSON) cannot be encoded as UTF-8, so it failed deep inside Rasa and SQLite and took the
whole server down. Sender ids must be clean or the request is refused (4xx); a patient's text is
cleaned (bad characters replaced) and cut to what a patient would write; metadata must be a
small flat JSON object or is dropped.

Messages starting with "/" are Rasa's button payloads ("/book_appointment"). Only payloads our
own buttons send are passed on as payloads, with only the entities our buttons carry; anything
else ("/restart", "/faq", "/session_start") is read as ordinary text, so typing one cannot
reset, skip, pre-fill or break a conversation.
"""
import functools
import json
import os
import re
from pathlib import Path
from typing import Any, Dict, Optional, Set

import yaml

MAX_MESSAGE_CHARS = int(os.environ.get("MAX_MESSAGE_CHARS", 2000))
MAX_SENDER_CHARS = 128
MAX_METADATA_BYTES = 2048
DOMAIN = Path(__file__).resolve().parent.parent / "domain.yml"

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")
_PAYLOAD = re.compile(r"^/([A-Za-z_][\w]*(?:/[\w]+)?)(\{.*\})?$", re.DOTALL)
# Rasa's built-in intents a patient must not be able to trigger by typing them.
_INTERNAL_INTENTS = {"restart", "back", "session_start", "nlu_fallback", "faq"}
# Entities a payload may carry (the "change something" buttons).
_PAYLOAD_ENTITIES = {"cb_field"}


def has_surrogates(text: str) -> bool:
    return bool(_SURROGATE.search(text))


def clean_text(text: str) -> str:
    """Control characters dropped, unencodable characters replaced, cut to a patient's length."""
    text = _SURROGATE.sub("\ufffd", _CONTROL.sub(" ", text))
    return text[:MAX_MESSAGE_CHARS].strip()


def sender_problem(sender: Any) -> Optional[str]:
    """Why a sender / session id is refused, or None when it is fine."""
    if not isinstance(sender, str) or not 0 < len(sender) <= MAX_SENDER_CHARS:
        return f"sender must be a string of 1 to {MAX_SENDER_CHARS} characters"
    if has_surrogates(sender) or _CONTROL.search(sender) or not sender.strip():
        return "sender has characters that cannot be stored"
    return None


def clean_metadata(metadata: Any) -> Optional[Dict[str, Any]]:
    """A small JSON object of plain values (what the widget sends), else nothing."""
    if not isinstance(metadata, dict) or not metadata:
        return None
    try:
        encoded = json.dumps(metadata, ensure_ascii=False)
        encoded.encode("utf-8")
    except (TypeError, ValueError, RecursionError, UnicodeEncodeError):
        return None
    if len(encoded) > MAX_METADATA_BYTES:
        return None
    plain = (str, int, float, bool, type(None))
    if not all(isinstance(k, str) and isinstance(v, plain) for k, v in metadata.items()):
        return None
    return metadata


@functools.lru_cache(maxsize=1)
def _allowed_payload_intents() -> Set[str]:
    domain = yaml.safe_load(DOMAIN.read_text()) or {}
    intents = set()
    for item in domain.get("intents") or []:
        intents.add(next(iter(item)) if isinstance(item, dict) else str(item))
    faq_keys = {name.split("/", 1)[1] for name in (domain.get("responses") or {})
                if name.startswith("utter_faq/")}
    return (intents - _INTERNAL_INTENTS) | {f"faq/{key}" for key in faq_keys}


def patient_text(text: str) -> str:
    """The text Rasa gets: cleaned, and a payload only when it is one of our buttons'."""
    text = clean_text(text)
    if not text.startswith("/"):
        return text
    match = _PAYLOAD.match(text)
    if match and match.group(1) in _allowed_payload_intents():
        # a button's intent; entities only those our buttons send (never slot values)
        return text if _entities_ok(match.group(2)) else f"/{match.group(1)}"
    return text.lstrip("/").strip() or "?"


def _entities_ok(raw: Optional[str]) -> bool:
    if not raw:
        return True
    try:
        entities = json.loads(raw)
    except (ValueError, RecursionError):
        return False
    return (isinstance(entities, dict) and set(entities) <= _PAYLOAD_ENTITIES
            and all(isinstance(v, str) and len(v) <= 40 for v in entities.values()))
