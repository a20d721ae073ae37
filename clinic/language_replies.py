"""Replies in the patient's own language: emergencies, crisis, and "I answer in English".

The texts live in clinic/language_replies.yml; a clinic may override any of them in clinic.yml
(`language_replies: {ko: {other: ...}}`). Used by the Rasa server's response generator
(nlg/localised.py) and by the channels' last-line safety net (channels/safety_net.py), so it needs
nothing but PyYAML and the clinic file.
"""
import functools
import logging
from pathlib import Path
from typing import Any, Dict, List, Optional

import yaml

from clinic import config
from clinic.language_id import ENGLISH, NAMES

logger = logging.getLogger(__name__)
TEXTS = Path(__file__).resolve().parent / "language_replies.yml"
EMERGENCY_KINDS = ("medical", "crisis", "unclear")
CALLBACK_PAYLOAD = "/request_human"
# what an emergency text must still say after a clinic's override
MUST_SAY = {"medical": ("911",), "crisis": ("988",), "unclear": ("911", "988")}


@functools.lru_cache(maxsize=1)
def _defaults() -> Dict[str, Any]:
    return yaml.safe_load(TEXTS.read_text(encoding="utf-8"))


def languages() -> List[str]:
    """The languages we have our own texts for."""
    return list(_defaults()["languages"])


def _overrides(clinic: Optional[config.Clinic]) -> Dict[str, Dict[str, str]]:
    raw = (clinic.extra.get("language_replies") if clinic else None) or {}
    return raw if isinstance(raw, dict) else {}


def _text(code: str, kind: str, clinic: Optional[config.Clinic]) -> Optional[str]:
    own = (_overrides(clinic).get(code) or {}).get(kind)
    default = (_defaults()["languages"].get(code) or {}).get(kind)
    if own and isinstance(own, str):
        if all(word in own for word in MUST_SAY.get(kind, ())):
            return " ".join(own.split())
        logger.warning("clinic.yml language_replies.%s.%s ignored: it must say %s", code, kind,
                       " and ".join(MUST_SAY[kind]))
    return default


def interpreter_name(code: str) -> str:
    """The language's name in English, as the patient would say it to 911 or 8-1-1."""
    own = (_defaults()["languages"].get(code) or {}).get("interpreter")
    return own or NAMES.get(code, code).split(" (")[0]


def _phone(clinic: Optional[config.Clinic]) -> str:
    return clinic.phone if clinic else "the clinic"


def reply(code: str, kind: str, clinic: Optional[config.Clinic] = None) -> Optional[Dict[str, Any]]:
    """The message (text, buttons) for a patient writing in `code`, or None when that is English.

    kind: medical / crisis / unclear (an emergency) or other (anything else)."""
    if not code or code == ENGLISH:
        return None
    english = _defaults()["english"]
    name = interpreter_name(code)
    native = _text(code, kind, clinic)
    if kind in EMERGENCY_KINDS:
        in_english = english[kind].format(interpreter=name)
        return {"text": f"{native}\n{in_english}" if native else in_english}
    text = (native or english["other"]).format(phone=_phone(clinic), interpreter=name)
    title = (_defaults()["languages"].get(code) or {}).get("callback") or english["callback"]
    return {"text": text, "buttons": [{"title": title, "payload": CALLBACK_PAYLOAD}]}


def load_clinic() -> Optional[config.Clinic]:
    try:
        return config.load()
    except Exception:  # a broken clinic.yml must not silence an emergency reply
        return None
