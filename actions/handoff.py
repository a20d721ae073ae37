"""Hand the patient on: the online booking link, or a person at the clinic (texts in clinic/fact_replies.py)."""
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from clinic import config, fact_replies


class ActionBookOnline(Action):
    def name(self) -> Text:
        return "action_book_online"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict]:
        dispatcher.utter_message(**fact_replies.booking(config.load()))
        return []


class ActionRequestHuman(Action):
    def name(self) -> Text:
        return "action_request_human"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict]:
        # the call-back form follows (data/rules_callback.yml); it asks no health questions
        dispatcher.utter_message(**fact_replies.request_human(config.load()))
        return []
