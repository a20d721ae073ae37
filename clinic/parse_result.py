"""Reading Rasa's parse result (what `/model/parse` reports and the tracker store keeps): the names and
helpers the NLU components, the actions, the staff console and the evaluation all rely on.

Plain Python over dicts (no Rasa import), so the console's own venv can use it too.
"""
from typing import Any, Dict, Optional, Tuple

FAQ = "faq"
FALLBACK = "nlu_fallback"
OUT_OF_SCOPE = "out_of_scope"
EMERGENCY = "emergency"
OTHER_LANGUAGE = "other_language"
SECOND_QUESTION = "second_question"   # components/question_splitter.py
EMERGENCY_KIND = "emergency_kind"     # components/emergency_net.py
LANGUAGE = "language"                 # components/emergency_net.py
SMS_CHANNEL = "twilio"                # channels/sms.py: the input channel of a text message


def faq_response(parse: Dict[str, Any]) -> Dict[str, Any]:
    """The chosen FAQ answer (`response_selector.faq.response`), or {}."""
    return (((parse or {}).get("response_selector") or {}).get(FAQ) or {}).get("response") or {}


def label(parse: Dict[str, Any]) -> str:
    """The answer a message got: `faq/<key>` for an FAQ answer, else the intent's name ("" if none)."""
    intent = ((parse or {}).get("intent") or {}).get("name") or ""
    if intent == FAQ:
        return faq_response(parse).get("intent_response_key") or FAQ
    return intent


def label_and_confidence(parse: Dict[str, Any]) -> Tuple[str, Optional[float]]:
    """label(), and the confidence it was given with (the FAQ answer's own, for an FAQ answer)."""
    intent = (parse or {}).get("intent") or {}
    confidence = intent.get("confidence")
    if intent.get("name") == FAQ and faq_response(parse).get("confidence") is not None:
        confidence = faq_response(parse)["confidence"]
    return label(parse), confidence


def second_label(parse: Dict[str, Any]) -> Optional[str]:
    return ((parse or {}).get(SECOND_QUESTION) or {}).get("label")
