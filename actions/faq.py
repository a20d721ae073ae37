"""Answer an FAQ with the answer the ResponseSelector chose (or the button's topic)."""
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.buttons import FAQ_TITLES, next_steps


def chosen_faq_key(tracker: Tracker) -> Optional[str]:
    """The FAQ key for the latest message: a button's `faq_key`, else the selector's choice."""
    from_button = next(tracker.get_latest_entity_values("faq_key"), None)
    if from_button in FAQ_TITLES:
        return from_button
    selector = (tracker.latest_message.get("response_selector") or {}).get("faq") or {}
    full_key = ((selector.get("response") or {}).get("intent_response_key")) or ""
    key = full_key.split("/", 1)[1] if full_key.startswith("faq/") else None
    return key if key in FAQ_TITLES else None


class ActionAnswerFaq(Action):
    def name(self) -> Text:
        return "action_answer_faq"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        key = chosen_faq_key(tracker)
        if key is None:
            # never guess: an FAQ turn without a known answer is handled as a fallback
            dispatcher.utter_message(response="utter_default")
            return []
        dispatcher.utter_message(response=f"utter_faq/{key}", buttons=next_steps(key))
        return []
