"""Hand the patient on: the online booking link, or a person at the clinic."""
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.buttons import ASK_MORE, CALL_BACK
from clinic import config, hours


class ActionBookOnline(Action):
    def name(self) -> Text:
        return "action_book_online"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict]:
        clinic = config.load()
        dispatcher.utter_message(
            text=(
                "You can book dry needling (IMS) online any time, day or night: "
                f"{clinic.booking_url} . Your first visit starts with an assessment. "
                "Prefer a call from us instead?"
            ),
            buttons=[CALL_BACK, ASK_MORE],
        )
        return []


class ActionRequestHuman(Action):
    def name(self) -> Text:
        return "action_request_human"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict]:
        clinic = config.load()
        if hours.is_open(clinic):
            text = (f"Our front desk is in now: call {clinic.phone} to talk to someone right away. "
                    "Or I can ask them to call you back.")
        else:
            text = f"{hours.open_status(clinic)} I can ask our front desk to call you back."
        # the call-back form follows (data/rules_callback.yml); it asks no health questions
        dispatcher.utter_message(text=text + " I just need a few details (type 'never mind' to stop).")
        return []
