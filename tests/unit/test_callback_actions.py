"""The call-back form's validator and actions, with rasa-sdk Tracker and CollectingDispatcher."""
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import yaml
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import callback
from callbacks.store import CallbackStore
from clinic import config, hours
from tests.smtp_server import free_port

VAN = ZoneInfo("America/Vancouver")
CLINIC = {"name": "Test Physio", "phone": "604-555-0199", "address": "1 Test Way",
          "booking_url": "https://example.com/book", "timezone": "America/Vancouver",
          "hours": {d: "08:00-19:00" for d in ("monday", "tuesday", "wednesday", "thursday", "friday")},
          "retention_days": 21}
FILLED = {"cb_name": "Sam Lee", "cb_phone": "+16045550134", "cb_email": "none",
          "cb_time": "Tue, Dec 1, afternoon", "cb_time_start": "2026-12-01T12:00:00-08:00",
          "cb_patient_type": "new", "cb_consent": True}


@pytest.fixture(autouse=True)
def setup(tmp_path, monkeypatch):
    path = tmp_path / "clinic.yml"
    path.write_text(yaml.safe_dump(CLINIC))
    monkeypatch.setenv("CLINIC_CONFIG", str(path))
    monkeypatch.setenv("CALLBACK_DB_URL", f"sqlite:///{tmp_path / 'cb.db'}")
    monkeypatch.delenv("CALLBACK_WEBHOOK_URL", raising=False)
    monkeypatch.setattr(callback, "_store", None)
    monkeypatch.setattr(callback, "_start_retry_thread", lambda db: None)




def tracker(slots=None, text="", intent="out_of_scope", entities=None, sender="patient-1"):
    latest = {"text": text, "intent": {"name": intent, "confidence": 0.9}, "entities": entities or []}
    return Tracker(sender, dict(slots or {}), latest, [], False, None,
                   {"name": "callback_form"}, "action_listen")


def run(action, trk):
    dispatcher = CollectingDispatcher()
    events = action.run(dispatcher, trk, {})
    return dispatcher.messages, events


def validate(slot, value, slots=None, intent="out_of_scope"):
    dispatcher = CollectingDispatcher()
    form = callback.ValidateCallbackForm()
    result = getattr(form, f"validate_{slot}")(value, dispatcher, tracker(slots, value, intent), {})
    return result, " ".join(m.get("text") or "" for m in dispatcher.messages)


def test_valid_answers_are_normalised():
    assert validate("cb_phone", "(604)555-0134")[0] == {"cb_phone": "+16045550134", "cb_misses": 0.0}
    assert validate("cb_name", "sam lee")[0]["cb_name"] == "Sam Lee"
    assert validate("cb_email", "skip")[0]["cb_email"] == "none"
    assert validate("cb_patient_type", "I'm a new patient")[0]["cb_patient_type"] == "new"
    assert validate("cb_consent", "yes", intent="affirm")[0]["cb_consent"] is True
    assert validate("cb_consent", "no", intent="deny")[0]["cb_consent"] is False


def test_preferred_time_is_stored_with_its_start(monkeypatch):
    result, _ = validate("cb_time", "any weekday morning")
    assert result["cb_time"] == "any weekday, morning" and result["cb_time_start"] is None


def test_a_wrong_answer_is_explained_and_asked_again():
    result, said = validate("cb_phone", "555")
    assert result == {"cb_phone": None, "cb_misses": 1.0}
    assert "10 digits" in said


def test_a_time_we_are_closed_is_explained():
    result, said = validate("cb_time", "sunday")
    assert result["cb_time"] is None and "closed on Sundays" in said


def test_third_wrong_answer_offers_the_phone_instead_of_looping():
    result, said = validate("cb_phone", "555", slots={"cb_misses": 2.0})
    assert result["requested_slot"] is None and result["cb_gave_up"] is True
    assert "604-555-0199" in said


def test_consent_question_states_why_who_and_how_long():
    [msg], _ = run(callback.ActionAskConsent(), tracker())
    assert "only to call you back" in msg["text"] and "21 days" in msg["text"]
    assert [b["payload"] for b in msg["buttons"]] == ["/affirm", "/deny"]


def test_questions_never_ask_about_health():
    responses = yaml.safe_load(open("domain.yml"))["responses"]
    questions = [r["text"] for name, rs in responses.items() if name.startswith("utter_ask_cb_") for r in rs]
    [consent], _ = run(callback.ActionAskConsent(), tracker())
    assert len(questions) == 5
    for text in questions + [consent["text"]]:
        assert not any(word in text.lower() for word in ("pain", "symptom", "condition", "injury", "health"))


def test_summary_lists_what_was_collected():
    [msg], _ = run(callback.ActionCallbackSummary(), tracker(FILLED))
    for part in ("Sam Lee", "(604) 555-0134", "Tue, Dec 1, afternoon", "new"):
        assert part in msg["text"]
    assert [b["payload"] for b in msg["buttons"]] == ["/affirm", "/correct_callback"]


def test_no_consent_stores_nothing():
    [msg], events = run(callback.ActionCallbackSummary(), tracker({**FILLED, "cb_consent": False}))
    assert "haven't saved anything" in msg["text"]
    assert {"event": "slot", "timestamp": None, "name": "cb_phone", "value": None} in events


def test_correction_resets_one_item_and_asks_again():
    _, events = run(callback.ActionCorrectCallback(), tracker(FILLED, entities=[{"entity": "cb_field", "value": "cb_phone"}]))
    assert {"event": "slot", "timestamp": None, "name": "cb_phone", "value": None} in events
    assert events[-1]["name"] == "callback_form"
    [msg], _ = run(callback.ActionCorrectCallback(), tracker(FILLED))
    assert "Phone" in [b["title"] for b in msg["buttons"]]


def test_confirmed_request_is_stored_once_and_emailed(smtp):
    [msg], _ = run(callback.ActionSubmitCallback(), tracker(FILLED))
    [again], _ = run(callback.ActionSubmitCallback(), tracker(FILLED))  # a repeated "yes"
    callback.wait_for_deliveries()  # the email goes out in the background, not on the patient's turn
    stored = CallbackStore().list()
    assert len(stored) == 1 and stored[0].reference in msg["text"] and stored[0].reference in again["text"]
    assert len(smtp.messages) == 1 and stored[0].reference in smtp.messages[0]["Subject"]


def test_mail_server_down_still_stores_and_tells_the_patient(monkeypatch):
    monkeypatch.setenv("SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("SMTP_PORT", str(free_port()))
    [msg], _ = run(callback.ActionSubmitCallback(), tracker(FILLED))
    callback.wait_for_deliveries()
    db = CallbackStore()
    assert db.list()[0].reference in msg["text"]
    assert len(db.pending_notifications()) == 1  # retried later


def test_database_down_is_told_politely(monkeypatch):
    monkeypatch.setenv("CALLBACK_DB_URL", "postgresql://nobody@127.0.0.1:1/none")
    [msg], _ = run(callback.ActionSubmitCallback(), tracker(FILLED))
    assert "couldn't save" in msg["text"] and "604-555-0199" in msg["text"]
    assert "Error" not in msg["text"] and "postgresql" not in msg["text"]


def test_after_hours_promise_is_computed():
    clinic = config.load()
    friday_night = datetime(2026, 11, 27, 22, 0, tzinfo=VAN)
    assert callback.after_hours_promise(clinic, friday_night) == \
        "We're closed right now, so someone will call you on Monday after 8:00 am."
    thursday_night = datetime(2026, 11, 26, 22, 0, tzinfo=VAN)
    assert "tomorrow after 8:00 am" in callback.after_hours_promise(clinic, thursday_night)
    assert "604-555-0199" in callback.after_hours_promise(clinic, datetime(2026, 11, 26, 10, 0, tzinfo=VAN))


def test_delete_my_details(smtp, tmp_path, monkeypatch):
    monkeypatch.setenv("TRACKER_DB", str(tmp_path / "tracker.db"))
    run(callback.ActionSubmitCallback(), tracker(FILLED))
    callback.wait_for_deliveries()
    [msg], _ = run(callback.ActionDeleteMyData(), tracker())
    assert "deleted" in msg["text"] and CallbackStore().list(None) == []
    assert "conversation will be erased" in msg["text"]
    assert [r.sender_id for r in CallbackStore().forget_requests()] == ["patient-1"]
    monkeypatch.delenv("TRACKER_DB")
    monkeypatch.delenv("POSTGRES_HOST", raising=False)
    monkeypatch.delenv("TRACKER_DB_URL", raising=False)
    monkeypatch.chdir(tmp_path)  # and no var/tracker.db to fall back on
    [msg], _ = run(callback.ActionDeleteMyData(), tracker())
    assert "don't have any" in msg["text"] and "erased" not in msg["text"]  # no promise it can't keep


def test_cancel_leaves_the_form_and_clears_answers():
    [msg], events = run(callback.ActionCancelCallback(), tracker(FILLED))
    assert "saved nothing" in msg["text"]
    assert events[0] == {"event": "active_loop", "timestamp": None, "name": None}
