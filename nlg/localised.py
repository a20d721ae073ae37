"""Rasa's own responses, in the patient's language where we have it (issue 17), with the answer
texts the clinic published from the console (issue 18).

Configured in endpoints.yml (`nlg: type: nlg.localised.LocalisedResponses`). Runs in the Rasa server,
so the emergency reply in Korean needs no action server, exactly like the English one. For
`utter_emergency` and `utter_other_language`, when the patient's message was not English (the
language the NLU pipeline put in the parse result, components/emergency_net.py), the text comes from
clinic/language_replies.py; those two are never overridden by the console.

Every other response is Rasa's usual one from domain.yml, with its text replaced when the live answers
version (clinic/content_store.py, set live by a release) overrides it: the SMS text on SMS when one was
written, else the web text; buttons and everything else as in domain.yml. Every path a reply takes
comes through here: a rule's utter_*, an FAQ answer picked by the response selector
(ActionRetrieveResponse), and a custom action's `utter_message(response=...)` (the second answer of a
two-question message). Anything that goes wrong here gives the domain text.

A response's `channel: twilio` variation is the SMS text (utter_out_of_scope's shorter wording).

An FAQ answer given with a close runner-up gets one more button, "Or were you asking: ...?"
(clinic/alternative.py, issue 19); on SMS only when the answer still fits two segments with it (the
"Ask something else" option makes room first).
"""
import logging
from typing import Any, Dict, Optional, Text

from rasa.core.nlg.response import TemplatedNaturalLanguageGenerator
from rasa.shared.core.trackers import DialogueStateTracker

from clinic import answer_catalogue, language_replies
from clinic.parse_result import SMS_CHANNEL

logger = logging.getLogger(__name__)
LOCALISED = {"utter_emergency", "utter_other_language"}


def reply_language(tracker: DialogueStateTracker) -> Optional[str]:
    language = (tracker.latest_message.parse_data or {}).get("language") if tracker.latest_message else None
    if not isinstance(language, dict):
        return None
    return language.get("reply") or language.get("code")


def on_sms(tracker: DialogueStateTracker, output_channel: Text) -> bool:
    """The SMS channel collects replies in a CollectingOutputChannel ("collector"), so the channel the
    patient wrote on is the tracker's; an output channel named twilio counts too."""
    if output_channel == SMS_CHANNEL:
        return True
    latest = tracker.latest_message
    return bool(latest is not None and getattr(latest, "input_channel", None) == SMS_CHANNEL)


def live_answers() -> Dict[str, Any]:
    from clinic.content_store import LIVE  # here: a store that is off or unreadable reads as {}
    return LIVE.current().answers or {}


def with_live_text(message: Optional[Dict[Text, Any]], utter_action: Text, tracker: DialogueStateTracker,
                   output_channel: Text, values: Optional[Dict[Text, Any]] = None) -> Optional[Dict[Text, Any]]:
    """`message` (the domain response) with the live override's text, if there is one; its placeholders
    ({clinic_phone}) filled from the slots and `values` (the action's), as Rasa fills the domain text's."""
    if not message or utter_action in LOCALISED or not answer_catalogue.is_editable(utter_action):
        return message
    try:
        own = answer_catalogue.live_override(live_answers(), utter_action)
        if own:
            text = own["sms"] if own["sms"] and on_sms(tracker, output_channel) else own["text"]
            text = answer_catalogue.fill(text, {**tracker.current_slot_values(), **(values or {})})
            shipped = message.get("text") or ""
            if any(number in shipped and number not in text for number in answer_catalogue.MUST_KEEP):
                # the shipped text (perhaps newer than the override) sends patients to 911/988/8-1-1
                logger.error("live answer for %s drops a help number; domain text", utter_action)
                return message
            return {**message, "text": text}
    except Exception as error:  # the shipped text is always a good answer
        logger.error("live answer for %s not used (%s); domain text", utter_action, type(error).__name__)
    return message


def with_alternative(message: Optional[Dict[Text, Any]], utter_action: Text, tracker: DialogueStateTracker,
                     output_channel: Text) -> Optional[Dict[Text, Any]]:
    """`message` with the one-tap alternative added when the model's runner-up was close (FAQ answers, the
    acupuncture / medicine replies, and the out-of-scope reply when an answer was still somewhat likely)."""
    from clinic.alternative import OUT_OF_SCOPE_REPLY, SCOPED_REPLIES

    if not message or tracker.latest_message is None or not (
            utter_action.startswith("utter_faq/") or utter_action in SCOPED_REPLIES.values()
            or utter_action == OUT_OF_SCOPE_REPLY):
        return message
    try:
        from clinic.alternative import buttons_with_alternative

        buttons = buttons_with_alternative(tracker.latest_message.parse_data or {}, message,
                                           on_sms(tracker, output_channel))
        return {**message, "buttons": buttons} if buttons else message
    except Exception as error:  # the answer without the extra button is still the answer
        logger.error("alternative for %s not added (%s)", utter_action, type(error).__name__)
        return message


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
        # a text message takes a response's `channel: twilio` variation (the SMS channel's replies are collected)
        channel = SMS_CHANNEL if on_sms(tracker, output_channel) else output_channel
        message = await super().generate(utter_action, tracker, channel, **kwargs)
        message = with_live_text(message, utter_action, tracker, output_channel, kwargs)
        return with_alternative(message, utter_action, tracker, output_channel)
