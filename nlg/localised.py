"""Rasa's own responses, but in the patient's language where we have it (issue 17).

Configured in endpoints.yml (`nlg: type: nlg.localised.LocalisedResponses`). Runs in the Rasa server,
so the emergency reply in Korean needs no action server, exactly like the English one. For
`utter_emergency` and `utter_other_language`, when the patient's message was not English (the
language the NLU pipeline put in the parse result, components/emergency_net.py), the text comes from
clinic/language_replies.py; everything else, and anything that goes wrong here, is Rasa's usual
response from domain.yml (English, still with 911 / 988).
"""
import logging
from typing import Any, Dict, Optional, Text

from rasa.core.nlg.response import TemplatedNaturalLanguageGenerator
from rasa.shared.core.trackers import DialogueStateTracker

from clinic import language_replies

logger = logging.getLogger(__name__)
LOCALISED = {"utter_emergency", "utter_other_language"}


def reply_language(tracker: DialogueStateTracker) -> Optional[str]:
    language = (tracker.latest_message.parse_data or {}).get("language") if tracker.latest_message else None
    if not isinstance(language, dict):
        return None
    return language.get("reply") or language.get("code")


class LocalisedResponses(TemplatedNaturalLanguageGenerator):
    def __init__(self, endpoint_config: Any = None, domain: Any = None, **kwargs: Any) -> None:
        super().__init__(domain.responses if domain else {})

    async def generate(self, utter_action: Text, tracker: DialogueStateTracker, output_channel: Text,
                       **kwargs: Any) -> Optional[Dict[Text, Any]]:
        if utter_action in LOCALISED:
            try:
                code = reply_language(tracker)
                kind = "other" if utter_action == "utter_other_language" else (
                    tracker.get_slot("emergency_kind") if tracker.get_slot("emergency_kind") in ("medical", "crisis")
                    else "unclear")
                message = language_replies.reply(code, kind, language_replies.load_clinic()) if code else None
                if message:
                    return message
            except Exception as error:  # never a missing reply: the English response follows
                logger.error("localised %s failed (%s); English reply", utter_action, type(error).__name__)
        return await super().generate(utter_action, tracker, output_channel, **kwargs)
