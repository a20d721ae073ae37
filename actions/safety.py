"""Emergency and crisis replies. Short, first line actionable, no buttons to distract."""
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from clinic import red_flags

MEDICAL_REPLY = (
    "This could be a medical emergency. Call 911 now, or go to the nearest emergency "
    "department. Trouble breathing or chest pain after needling is not normal soreness: "
    "get help right away, don't wait for the clinic."
)
CRISIS_REPLY = (
    "I'm so sorry you're going through this, and I'm glad you reached out. Please call or "
    "text 988 (Suicide Crisis Helpline, any time, day or night). If you are in immediate "
    "danger, call 911."
)
UNCLEAR_REPLY = (
    "If this is an emergency, call 911 now. If you're thinking about suicide or hurting "
    "yourself, call or text 988 any time. You can also call 8-1-1 to talk to a nurse."
)


def emergency_kind(tracker: Tracker) -> str:
    """medical / crisis / unclear: from the safety net's mark, else from the text itself."""
    marked = (tracker.latest_message.get("emergency") or {}).get("kind")
    return marked or red_flags.classify(tracker.latest_message.get("text") or "") or "unclear"


class ActionEmergency(Action):
    def name(self) -> Text:
        return "action_emergency"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict]:
        kind = emergency_kind(tracker)
        reply = {red_flags.MEDICAL: MEDICAL_REPLY, red_flags.CRISIS: CRISIS_REPLY}.get(kind, UNCLEAR_REPLY)
        dispatcher.utter_message(text=reply)
        return []
