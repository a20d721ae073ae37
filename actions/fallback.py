"""Two-stage fallback ("did you mean" topics, then a person) and out-of-scope replies."""
import logging
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.buttons import CALL_BACK, FAQ_BUTTONS, INTENT_TITLES, faq_button
from clinic import config
from clinic.parse_result import SMS_CHANNEL

logger = logging.getLogger(__name__)

FALLBACK_INTENT = "nlu_fallback"
MIN_TOPIC_CONFIDENCE = 0.05
# the model thought "emergency" possible but was not sure (components/emergency_net.py): say it
URGENT_HINT_CONFIDENCE = 0.3
URGENT_HINT = "If this is an emergency, call 911 now."


def likely_labels(parse: Dict[str, Any], limit: int = 3) -> List[str]:
    """The labels (faq/<key> or an intent) the "did you mean" offers for a parse result, best first."""
    faq_ranking = ((parse.get("response_selector") or {}).get("faq") or {}).get("ranking") or []
    scored = []
    for item in faq_ranking:
        key = (item.get("intent_response_key") or "").replace("faq/", "", 1)
        if key in FAQ_BUTTONS:
            scored.append((item.get("confidence", 0.0), f"faq/{key}"))
    selector = ((parse.get("response_selector") or {}).get("faq") or {})
    # the sentence classifier ranks FAQ answers and intents on one scale ("joint"); a
    # ResponseSelector ranks answers given "faq", so those are weighted by P(faq)
    faq_weight = 1.0 if selector.get("joint") else next(
        (i.get("confidence", 0.0) for i in parse.get("intent_ranking") or [] if i.get("name") == "faq"), 0.0
    )
    scored = [(confidence * faq_weight, label) for confidence, label in scored]
    for item in parse.get("intent_ranking") or []:
        if item.get("name") in INTENT_TITLES:
            scored.append((item.get("confidence", 0.0), item["name"]))
    # honest: only topics the model found at least somewhat likely
    scored = [pair for pair in scored if pair[0] >= MIN_TOPIC_CONFIDENCE]
    scored.sort(key=lambda pair: pair[0], reverse=True)
    labels, seen = [], set()
    for _, label in scored:
        payload = button_for(label)["payload"]
        if payload not in seen:
            seen.add(payload)
            labels.append(label)
    return labels[:limit]


def button_for(label: str) -> Dict[str, str]:
    return faq_button(label[4:]) if label.startswith("faq/") else INTENT_TITLES[label]


def likely_topics(tracker: Tracker, limit: int = 3) -> List[Dict[str, str]]:
    """Buttons for the topics the model thought most likely, best first."""
    return [button_for(label) for label in likely_labels(tracker.latest_message, limit)]


def previous_turn_was_fallback(tracker: Tracker) -> bool:
    """True when the patient's message before this one also fell back."""
    users = [e for e in tracker.events if e.get("event") == "user"]
    if len(users) < 2:
        return False
    intent = ((users[-2].get("parse_data") or {}).get("intent") or {}).get("name")
    return intent == FALLBACK_INTENT


class ActionFallback(Action):
    def name(self) -> Text:
        return "action_fallback"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict]:
        clinic = config.load()
        if previous_turn_was_fallback(tracker):
            dispatcher.utter_message(
                text=(
                    "Sorry, I still can't answer that. Someone from our team can help: request a "
                    f"call-back, or call us at {clinic.phone}."
                ),
                buttons=[CALL_BACK],
            )
            return []
        ranking = tracker.latest_message.get("intent_ranking") or []
        maybe_urgent = any(i.get("name") == "emergency" and i.get("confidence", 0.0) >= URGENT_HINT_CONFIDENCE
                           for i in ranking)
        dispatcher.utter_message(
            text=(URGENT_HINT + " " if maybe_urgent else "")
            + "Sorry, I'm not sure I understood. Could you say it another way, or pick a topic?",
            buttons=likely_topics(tracker) + [{"title": "Talk to a person", "payload": "/request_human"}],
        )
        return []


class ActionOutOfScope(Action):
    def name(self) -> Text:
        return "action_out_of_scope"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict]:
        clinic = config.load()
        sms = tracker.get_latest_input_channel() == SMS_CHANNEL
        if sms:  # shorter by text message, so a one-tap option still fits two segments
            text = (f"Sorry, I only know about dry needling (IMS) at our clinic. For other questions, "
                    f"request a call-back or call {clinic.phone}; for health or medicine questions, "
                    f"call {clinic.nurse_line}.")
        else:
            text = (
                "Sorry, I can't answer that: I only know about dry needling (IMS) at our clinic. "
                "Our physiotherapist can help with other questions, so request a call-back or call "
                f"{clinic.phone}. For medication or other health questions, ask your pharmacist or "
                f"doctor, or call {clinic.nurse_line} any time."
            )
        message = {"text": text, "buttons": [CALL_BACK]}
        try:  # the answer the model still found somewhat likely, one tap away (clinic/alternative.py)
            from clinic.alternative import buttons_with_alternative

            message["buttons"] = buttons_with_alternative(tracker.latest_message or {}, message, sms) or [CALL_BACK]
        except Exception as error:  # the reply without the extra button is still the reply
            logger.error("out-of-scope alternative not added (%s)", type(error).__name__)
        dispatcher.utter_message(**message)
        return []
