"""The last line under every channel: a patient never gets silence, and never misses 911 / 988.

Rasa answers emergencies itself (`utter_emergency` in domain.yml, no action server needed). This
covers what is left: the Rasa pipeline failing or timing out as a whole (tracker store down, lock
store down, a bug). Then the channel answers by itself: the emergency reply when the red-flag
net (clinic/redflags, every language, no model, no network) sees one, else a short reply with the clinic's
phone number. The emergency texts are read from domain.yml, so there is one copy of them.
"""
import asyncio
import functools
import logging
import os
from pathlib import Path
from typing import Any, Awaitable, Callable, Dict, List, Optional

import yaml

from clinic import config, language_replies, redflags

logger = logging.getLogger(__name__)

DOMAIN = Path(__file__).resolve().parent.parent / "domain.yml"
# Longest a patient waits for an answer before the channel answers by itself (Twilio gives up at 15 s).
TURN_TIMEOUT_SECONDS = float(os.environ.get("TURN_TIMEOUT_SECONDS", 12))
FALLBACK_PHONE = "the clinic"


@functools.lru_cache(maxsize=1)
def emergency_texts() -> Dict[str, str]:
    """kind (medical / crisis / unclear) -> the text of utter_emergency's variation for it."""
    variations = yaml.safe_load(DOMAIN.read_text())["responses"]["utter_emergency"]
    texts = {}
    for variation in variations:
        condition = variation.get("condition") or []
        kind = condition[0]["value"] if condition else "unclear"
        texts[kind] = variation["text"]
    return texts


def own_reply(text: str, otherwise: str) -> str:
    """What the channel says by itself, from one look at the message: the emergency reply (in the
    patient's language and English), else "we answer in English, call us" in their language, else
    `otherwise`."""
    try:
        assessment = redflags.assess(text or "")
    except Exception:  # cannot happen with plain regexes; still never silence
        return otherwise
    try:
        localised = language_replies.reply(assessment.reply_language, assessment.kind or "other",
                                           language_replies.load_clinic())
    except Exception:  # the English texts below still say 911 / 988
        localised = None
    if assessment.kind:
        return localised["text"] if localised else emergency_texts().get(assessment.kind)
    return localised["text"] if localised else otherwise


def clinic_phone() -> str:
    try:
        return config.load().phone
    except Exception:  # a broken clinic.yml must not silence this reply either
        return os.environ.get("CLINIC_PHONE", FALLBACK_PHONE)


def degraded_reply(channel: str) -> str:
    again = "" if channel == "twilio" else " Please try again in a minute."
    return (f"Sorry, I can't answer right now. Please call us at {clinic_phone()}.{again} "
            "If this is an emergency, call 911.")


def nothing_to_say_reply() -> str:
    return (f"Sorry, I'm not sure how to help with that. You can ask me about dry needling (IMS), "
            f"or call us at {clinic_phone()}.")


async def answer(handle: Callable[[], Awaitable[Any]], collected: Callable[[], List[Dict[str, Any]]],
                 text: str, channel: str) -> List[Dict[str, Any]]:
    """Run Rasa on one message; what the patient gets if it fails, times out or says nothing.

    On a timeout the turn keeps running in the background (shielded), so the conversation is
    written whole, never half; the patient just gets the short reply instead of waiting.
    """
    task = asyncio.ensure_future(handle())
    try:
        await asyncio.wait_for(asyncio.shield(task), TURN_TIMEOUT_SECONDS)
    except asyncio.TimeoutError:
        logger.error("%s message took over %.0f s; answered without Rasa", channel, TURN_TIMEOUT_SECONDS)
        task.add_done_callback(_log_late_failure)
        return [{"text": own_reply(text, degraded_reply(channel))}]
    except Exception as error:  # never a stack trace to a patient, never their text in a log
        logger.error("%s message failed (%s); answered without Rasa", channel, type(error).__name__)
        return [{"text": own_reply(text, degraded_reply(channel))}]
    messages = collected()
    if not messages:
        return [{"text": own_reply(text, nothing_to_say_reply())}]
    return messages


def _log_late_failure(task: "asyncio.Future") -> None:
    if not task.cancelled() and task.exception() is not None:
        logger.error("a late message failed: %s", type(task.exception()).__name__)
