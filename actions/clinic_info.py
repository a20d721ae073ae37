"""Replies that quote the clinic's facts, read from clinic.yml on every turn (no retraining)."""
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.buttons import ASK_MORE, BOOK, CALL_BACK, faq_button
from clinic import config, hours


class ActionGreet(Action):
    def name(self) -> Text:
        return "action_greet"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict]:
        clinic = config.load()
        dispatcher.utter_message(
            text=(
                f"Hi! I'm the automated assistant for {clinic.name}. I can answer questions about "
                "dry needling (IMS) and help you book or get a call-back. I give general "
                "information, not medical advice. In an emergency, call 911."
            ),
            buttons=[faq_button("what_is_dry_needling"), faq_button("does_it_hurt"), BOOK],
        )
        return []


class ActionClinicHours(Action):
    def name(self) -> Text:
        return "action_clinic_hours"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict]:
        clinic = config.load()
        dispatcher.utter_message(
            text=f"Our hours: {hours.weekly_summary(clinic)}. {hours.open_status(clinic)}",
            buttons=[BOOK, CALL_BACK],
        )
        return []


class ActionClinicLocation(Action):
    def name(self) -> Text:
        return "action_clinic_location"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict]:
        clinic = config.load()
        parking = f" {clinic.parking}" if clinic.parking else ""
        dispatcher.utter_message(
            text=f"We're at {clinic.address}.{parking} Questions about getting here? Call {clinic.phone}.",
            buttons=[BOOK, ASK_MORE],
        )
        return []


class ActionClinicContact(Action):
    def name(self) -> Text:
        return "action_clinic_contact"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict]:
        clinic = config.load()
        email = f" or email {clinic.email}" if clinic.email else ""
        dispatcher.utter_message(
            text=f"You can call us at {clinic.phone}{email}. {hours.open_status(clinic)}",
            buttons=[CALL_BACK, BOOK],
        )
        return []


class ActionClinicCost(Action):
    def name(self) -> Text:
        return "action_clinic_cost"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict]:
        clinic = config.load()
        text = " ".join(part for part in (clinic.fees, clinic.insurance) if part)
        dispatcher.utter_message(
            text=f"{text} Call us at {clinic.phone} for details.",
            buttons=[CALL_BACK, BOOK],
        )
        return []
