"""Replies that quote the clinic's facts, read on every turn (no retraining). The texts are built in
clinic/fact_replies.py, which the console's settings preview uses too."""
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from clinic import config, fact_replies


class ActionGreet(Action):
    def name(self) -> Text:
        return "action_greet"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict]:
        dispatcher.utter_message(**fact_replies.greeting(config.load()))
        return []


class ActionClinicHours(Action):
    def name(self) -> Text:
        return "action_clinic_hours"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict]:
        dispatcher.utter_message(**fact_replies.hours_reply(config.load()))
        return []


class ActionClinicLocation(Action):
    def name(self) -> Text:
        return "action_clinic_location"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict]:
        dispatcher.utter_message(**fact_replies.location(config.load()))
        return []


class ActionClinicContact(Action):
    def name(self) -> Text:
        return "action_clinic_contact"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict]:
        dispatcher.utter_message(**fact_replies.contact(config.load()))
        return []


class ActionClinicCost(Action):
    def name(self) -> Text:
        return "action_clinic_cost"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict]:
        dispatcher.utter_message(**fact_replies.cost(config.load()))
        return []
