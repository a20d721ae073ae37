"""Two-stage fallback ("did you mean" topics, then a person) and out-of-scope replies."""
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.buttons import FAQ_BUTTONS, INTENT_TITLES, faq_button
from clinic import config
from clinic.answer_catalogue import placeholder_values

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
    """The texts are domain.yml's responses (the clinic may reword them in the console); the topics are ours."""

    def name(self) -> Text:
        return "action_fallback"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict]:
        if previous_turn_was_fallback(tracker):
            dispatcher.utter_message(response="utter_fallback_again", **placeholder_values(config.load()))
            return []
        ranking = tracker.latest_message.get("intent_ranking") or []
        if any(i.get("name") == "emergency" and i.get("confidence", 0.0) >= URGENT_HINT_CONFIDENCE for i in ranking):
            dispatcher.utter_message(text=URGENT_HINT)  # first, on its own: never reworded away
        dispatcher.utter_message(response="utter_fallback",
                                 buttons=likely_topics(tracker) + [{"title": "Talk to a person", "payload": "/request_human"}])
        return []


class ActionOutOfScope(Action):
    """domain.yml's utter_out_of_scope (shorter by SMS); nlg/localised.py adds the answer the model still
    found somewhat likely as a one-tap button (clinic/alternative.py)."""

    def name(self) -> Text:
        return "action_out_of_scope"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict]:
        dispatcher.utter_message(response="utter_out_of_scope", **placeholder_values(config.load()))
        return []
