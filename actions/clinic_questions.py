"""Questions the clinic's page does not answer but the clinic can (clinic.yml, never invented),
and the second question of a two-question message."""
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.buttons import FAQ_BUTTONS, INTENT_TITLES
from clinic import config, fact_replies
from clinic.parse_result import SMS_CHANNEL


def clinic_reply(key: str) -> Dict[str, Any]:
    return fact_replies.clinic_question(config.load(), key)


class _ClinicAnswer(Action):
    key = ""

    def name(self) -> Text:
        return f"action_clinic_{self.key}"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict]:
        dispatcher.utter_message(**clinic_reply(self.key))
        return []


class ActionClinicOffer(_ClinicAnswer):
    key = "offer"


class ActionClinicReferral(_ClinicAnswer):
    key = "referral"


class ActionClinicAvailability(_ClinicAnswer):
    key = "availability"


class ActionClinicWhatToBring(_ClinicAnswer):
    key = "what_to_bring"


# label of a second question -> how to answer it: a domain response, or a clinic.yml answer
RESPONSES = {"ask_acupuncture": "utter_acupuncture", "ask_medication": "utter_medication"}
CLINIC_KEYS = {"ask_offer": "offer", "ask_referral": "referral", "ask_availability": "availability",
               "ask_what_to_bring": "what_to_bring"}
TITLES = {"ask_offer": "Do you offer IMS?", "ask_referral": "Do I need a referral?",
          "ask_availability": "How soon can I get in?", "ask_what_to_bring": "What to wear and bring",
          "ask_acupuncture": "About acupuncture", "ask_medication": "About medicines"}


def second_button(label: str) -> Dict[str, str]:
    """A button that asks the second question again (an SMS numbered option)."""
    if label.startswith("faq/") and label[4:] in FAQ_BUTTONS:
        title, question = FAQ_BUTTONS[label[4:]]
        return {"title": title, "payload": question}
    if label in INTENT_TITLES:
        return INTENT_TITLES[label]
    return {"title": TITLES.get(label, label), "payload": f"/{label}"}


class ActionAnswerSecond(Action):
    """Answer the second question of a message, after the first answer. Clears the slot.

    On the web and REST the second answer is sent in full. On SMS two full answers would not
    fit in two segments, so the second is offered as one numbered option instead."""

    def name(self) -> Text:
        return "action_answer_second"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict]:
        label = tracker.get_slot("second_question")
        events = [SlotSet("second_question", None)]
        if not label:
            return events
        if tracker.get_latest_input_channel() == SMS_CHANNEL:
            dispatcher.utter_message(text="You also asked:", buttons=[second_button(label)])
            return events
        if label.startswith("faq/"):
            dispatcher.utter_message(response=f"utter_{label}")
        elif label in RESPONSES:
            dispatcher.utter_message(response=RESPONSES[label])
        elif label in CLINIC_KEYS:
            dispatcher.utter_message(**clinic_reply(CLINIC_KEYS[label]))
        elif label == "ask_cost":
            dispatcher.utter_message(**fact_replies.cost(config.load()))
        else:
            dispatcher.utter_message(text="You also asked:", buttons=[second_button(label)])
        return events
