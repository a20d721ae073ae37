"""The call-back request: a form that asks one question at a time, a summary the patient can
correct, and a confirmed request stored in the database and sent to the front desk.

It never asks about health. After three answers it cannot use, it offers the phone number
instead of asking again.
"""
import logging
import os
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import ActiveLoop, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from callbacks import answers, notify, preferred_time, transcripts
from callbacks.store import CallbackStore
from clinic import config, hours

logger = logging.getLogger(__name__)

FORM = "callback_form"
FIELDS = ["cb_name", "cb_phone", "cb_email", "cb_time", "cb_patient_type", "cb_consent"]
ALL_SLOTS = FIELDS + ["cb_time_start", "cb_misses", "cb_gave_up"]
FIELD_TITLES = {"cb_name": "Name", "cb_phone": "Phone", "cb_email": "Email", "cb_time": "Time",
                "cb_patient_type": "New/returning"}
MAX_MISSES = 3
RETRY_SECONDS = float(os.environ.get("NOTIFY_RETRY_SECONDS", 60))

_store: Optional[CallbackStore] = None
_store_lock = threading.Lock()


def store() -> CallbackStore:
    """One store per action server process, created on first use (the database may start later)."""
    global _store
    with _store_lock:
        if _store is None:
            _store = CallbackStore()
            _start_retry_thread(_store)
        return _store


# Emails and webhooks for a new request go out on this one background thread, never on the patient's
# turn: a mail server taking a second would otherwise hold up every conversation on this action server.
_sender = ThreadPoolExecutor(max_workers=1, thread_name_prefix="callback-notify")


def _deliver_in_background(db: CallbackStore, request_id: int) -> None:
    def deliver():
        try:
            notify.deliver_pending(db, only_request_id=request_id)  # failures stay queued for the retry loop
        except Exception as error:
            logger.warning("notification not sent yet: %s", type(error).__name__)

    _sender.submit(deliver)


def wait_for_deliveries(timeout: float = 30) -> None:
    """Block until every delivery handed to the background thread so far has been tried (tests, shutdown)."""
    _sender.submit(lambda: None).result(timeout)


def _start_retry_thread(db: CallbackStore) -> None:
    """Emails that failed (mail server down) are retried in the background until sent, and
    conversations whose patients asked to delete their details are erased."""
    def loop():
        conversations = None
        while True:
            time.sleep(RETRY_SECONDS)
            try:
                notify.deliver_pending(db)
            except Exception as error:
                logger.warning("retrying notifications failed: %s", type(error).__name__)
            try:
                if conversations is None and transcripts.tracker_db_url():
                    conversations = transcripts.TranscriptStore()
                if conversations is not None:
                    transcripts.forget_due(db, conversations)
            except Exception as error:
                logger.warning("erasing conversations failed: %s", type(error).__name__)

    threading.Thread(target=loop, name="callback-notify-retry", daemon=True).start()


def reset_slots() -> List[Dict]:
    return [SlotSet(slot, None) for slot in ALL_SLOTS]


class ValidateCallbackForm(FormValidationAction):
    def name(self) -> Text:
        return "validate_callback_form"

    def _miss(self, slot: str, tracker: Tracker, dispatcher: CollectingDispatcher, explain: str) -> Dict:
        misses = int(tracker.get_slot("cb_misses") or 0) + 1
        if misses >= MAX_MISSES:
            clinic = config.load()
            dispatcher.utter_message(text=(
                f"Sorry, I'm having trouble with that. It may be easier by phone: call us at {clinic.phone}. "
                f"{hours.open_status(clinic)}"))
            return {slot: None, "cb_misses": 0.0, "cb_gave_up": True, "requested_slot": None}
        dispatcher.utter_message(text=explain)
        return {slot: None, "cb_misses": float(misses)}

    @staticmethod
    def _ok(values: Dict) -> Dict:
        return {**values, "cb_misses": 0.0}

    async def run(self, dispatcher, tracker, domain):
        # When "Change something" re-opens the form, Rasa re-validates the answers already
        # given; they were checked when given, so keep them as they are.
        if (tracker.latest_message.get("intent") or {}).get("name") == "correct_callback":
            return []
        return await super().run(dispatcher, tracker, domain)

    def validate_cb_name(self, value: Any, dispatcher, tracker, domain) -> Dict:
        name = answers.name(str(value or ""))
        if name:
            return self._ok({"cb_name": name})
        return self._miss("cb_name", tracker, dispatcher,
                          "Sorry, I need just a name we can ask for when we call, like 'Sam Lee'.")

    def validate_cb_phone(self, value: Any, dispatcher, tracker, domain) -> Dict:
        number = answers.phone(str(value or ""))
        if number:
            return self._ok({"cb_phone": number})
        return self._miss("cb_phone", tracker, dispatcher,
                          "That doesn't look like a Canadian or US phone number. Please send the 10 digits, "
                          "for example 604 555 0134.")

    def validate_cb_email(self, value: Any, dispatcher, tracker, domain) -> Dict:
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        understood, address = answers.email(str(value or ""))
        if intent == "deny" or (understood and address is None):
            return self._ok({"cb_email": "none"})
        if understood:
            return self._ok({"cb_email": address})
        return self._miss("cb_email", tracker, dispatcher,
                          "That email address doesn't look right. Please check it, or type 'skip'.")

    def validate_cb_time(self, value: Any, dispatcher, tracker, domain) -> Dict:
        choice = preferred_time.understand(str(value or ""), config.load())
        if choice.problem is None:
            start = choice.start.isoformat() if choice.start else None
            return self._ok({"cb_time": choice.label, "cb_time_start": start})
        return self._miss("cb_time", tracker, dispatcher,
                          f"{choice.problem} When would suit you? For example 'tomorrow after 3' or "
                          "'any weekday morning'.")

    def validate_cb_patient_type(self, value: Any, dispatcher, tracker, domain) -> Dict:
        kind = answers.patient_type(str(value or ""))
        if kind:
            return self._ok({"cb_patient_type": kind})
        return self._miss("cb_patient_type", tracker, dispatcher,
                          "Have you been to our clinic before? Please answer 'new' or 'returning'.")

    def validate_cb_consent(self, value: Any, dispatcher, tracker, domain) -> Dict:
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        agreed = answers.consent(str(value or ""), intent)
        if agreed is None:
            return self._miss("cb_consent", tracker, dispatcher,
                              "Please answer yes or no: may we keep these details to call you back?")
        return self._ok({"cb_consent": agreed})


class ActionAskConsent(Action):
    """The privacy statement, with the retention period from clinic.yml."""

    def name(self) -> Text:
        return "action_ask_cb_consent"

    def run(self, dispatcher, tracker, domain) -> List[Dict]:
        clinic = config.load()
        days = clinic.extra.get("retention_days", 30)
        dispatcher.utter_message(
            text=(f"Privacy: we keep these details only to call you back. Only our clinic team sees them, "
                  f"and we delete them after {days} days. Is that okay?"),
            buttons=[{"title": "Yes, that's okay", "payload": "/affirm"},
                     {"title": "No", "payload": "/deny"}],
        )
        return []


def summary_lines(tracker: Tracker) -> str:
    email = tracker.get_slot("cb_email")
    parts = [
        f"Name: {tracker.get_slot('cb_name')}",
        f"Phone: {answers.pretty_phone(tracker.get_slot('cb_phone'))}",
        f"Email: {email if email and email != 'none' else '-'}",
        f"Time: {tracker.get_slot('cb_time')}",
        f"New/returning: {tracker.get_slot('cb_patient_type')}",
    ]
    return "\n".join(parts)


class ActionCallbackSummary(Action):
    """After the last question: show what we have, or close politely if they said no."""

    def name(self) -> Text:
        return "action_callback_summary"

    def run(self, dispatcher, tracker, domain) -> List[Dict]:
        clinic = config.load()
        if tracker.get_slot("cb_gave_up"):
            return reset_slots()
        if tracker.get_slot("cb_consent") is not True:
            dispatcher.utter_message(text=(
                f"Okay, I haven't saved anything. You can call us at {clinic.phone} or book online any time."))
            return reset_slots()
        if any(tracker.get_slot(field) in (None, "") for field in FIELDS):
            return [FollowupAction(FORM)]
        dispatcher.utter_message(
            text=f"Here's your call-back request:\n{summary_lines(tracker)}\nShall I send it?",
            buttons=[{"title": "Yes, send it", "payload": "/affirm"},
                     {"title": "Change something", "payload": "/correct_callback"}],
        )
        return []


class ActionCorrectCallback(Action):
    """'Change something': which item, then ask that one question again."""

    def name(self) -> Text:
        return "action_correct_callback"

    def run(self, dispatcher, tracker, domain) -> List[Dict]:
        field = next(tracker.get_latest_entity_values("cb_field"), None)
        if field in FIELD_TITLES:
            return [SlotSet(field, None), FollowupAction(FORM)]
        dispatcher.utter_message(
            text="What would you like to change?",
            buttons=[{"title": title, "payload": '/correct_callback{"cb_field": "%s"}' % field}
                     for field, title in FIELD_TITLES.items()],
        )
        return []


def after_hours_promise(clinic, now: Optional[datetime] = None) -> str:
    if hours.is_open(clinic, now):
        return f"Our front desk will call you as close to your preferred time as they can. To talk now, call {clinic.phone}."
    opening = hours.next_opening(clinic, now)
    when = hours.when(clinic, opening, now).replace(" at ", " after ", 1) if opening else "when we reopen"
    # "today after 8:00 am" reads oddly; "after 8:00 am tomorrow" is how people say it
    return f"We're closed right now, so someone will call you {when}."


class ActionSubmitCallback(Action):
    def name(self) -> Text:
        return "action_submit_callback"

    def run(self, dispatcher, tracker, domain) -> List[Dict]:
        clinic = config.load()
        if any(tracker.get_slot(field) in (None, "") for field in FIELDS) or tracker.get_slot("cb_consent") is not True:
            dispatcher.utter_message(text="There's no call-back request to send. Would you like to start one?",
                                     buttons=[{"title": "Request a call-back", "payload": "/request_human"}])
            return reset_slots()
        start = tracker.get_slot("cb_time_start")
        email = tracker.get_slot("cb_email")
        try:
            db = store()
            request, created = db.submit(
                sender_id=tracker.sender_id, name=tracker.get_slot("cb_name"), phone=tracker.get_slot("cb_phone"),
                email=None if email in (None, "none") else email, preferred_time=tracker.get_slot("cb_time"),
                preferred_start=datetime.fromisoformat(start) if start else None,
                patient_type=tracker.get_slot("cb_patient_type"),
                channel=(tracker.get_latest_input_channel() or ""), notify=notify.channels())
        except Exception as error:  # database down: say so, never pretend it was saved
            logger.error("call-back request not stored: %s", type(error).__name__)
            dispatcher.utter_message(text=(
                f"Sorry, I couldn't save your request just now, so it has not been sent. Please call us at "
                f"{clinic.phone}, or try again in a few minutes."))
            return []
        if created:
            _deliver_in_background(db, request.id)
            logger.info("call-back request %s stored", request.reference)
        dispatcher.utter_message(text=(
            f"Thanks, {request.name}! Your call-back request is in. Reference: {request.reference}. "
            f"{after_hours_promise(clinic)}"))
        return reset_slots()


class ActionCancelCallback(Action):
    def name(self) -> Text:
        return "action_cancel_callback"

    def run(self, dispatcher, tracker, domain) -> List[Dict]:
        dispatcher.utter_message(text="Okay, I've stopped the call-back request and saved nothing. "
                                      "Anything else I can help with?")
        return [ActiveLoop(None), SlotSet("requested_slot", None)] + reset_slots()


class ActionDeleteMyData(Action):
    """'Delete my details': remove every call-back request made from this conversation, and the
    conversation itself (erased by the background loop once it has been idle a little while)."""

    def name(self) -> Text:
        return "action_delete_my_data"

    def run(self, dispatcher, tracker, domain) -> List[Dict]:
        clinic = config.load()
        try:
            db = store()
            removed = db.delete_for_sender(tracker.sender_id)
            erase = transcripts.tracker_db_url() is not None
            if erase:
                db.request_forget(tracker.sender_id)
        except Exception as error:
            logger.error("delete request failed: %s", type(error).__name__)
            dispatcher.utter_message(text=f"Sorry, I couldn't do that just now. Please call us at {clinic.phone}.")
            return []
        if removed:
            text = f"Done: I've deleted the call-back request{'s' if removed > 1 else ''} and contact details you gave me."
        else:
            text = "I don't have any contact details stored from this chat."
        if erase:
            text += " This conversation will be erased from our records within a few minutes."
        dispatcher.utter_message(text=text + f" To remove details given another way, call us at {clinic.phone}.")
        return reset_slots()
