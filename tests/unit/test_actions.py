"""Every custom action, run with rasa-sdk's Tracker and CollectingDispatcher."""
from datetime import datetime

import pytest
import yaml
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import clinic_info, fallback, handoff
from clinic import hours

CLINIC = {
    "name": "Test Physio", "phone": "604-555-0199", "email": "desk@example.com",
    "address": "1 Test Way, Coquitlam", "booking_url": "https://example.com/book-ims",
    "timezone": "America/Vancouver", "hours": {"monday": "08:00-19:00"},
    "fees": "Fees vary by visit.", "insurance": "Extended health often covers it.",
}


@pytest.fixture(autouse=True)
def clinic_file(tmp_path, monkeypatch):
    path = tmp_path / "clinic.yml"
    path.write_text(yaml.safe_dump(CLINIC))
    monkeypatch.setenv("CLINIC_CONFIG", str(path))
    return path


def tracker(text="", intent="faq", parse_extra=None, events=None):
    latest = {"text": text, "intent": {"name": intent, "confidence": 0.9}, "entities": [],
              "intent_ranking": [{"name": intent, "confidence": 0.9}], **(parse_extra or {})}
    return Tracker("patient-1", {}, latest, events or [], False, None, {}, "action_listen")


def run(action, trk):
    dispatcher = CollectingDispatcher()
    events = action.run(dispatcher, trk, {})
    return dispatcher.messages, events


def payloads(message):
    return [b["payload"] for b in message.get("buttons") or []]


def sent(action, trk, channel="rest"):
    """What the patient gets: the action run, then its messages through the Rasa server's own path
    (RemoteAction._utter_responses with nlg/localised.py), which fills a response named by the action."""
    import asyncio

    from rasa.core.actions.action import RemoteAction
    from rasa.core.channels.channel import CollectingOutputChannel
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.events import UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker

    from nlg.localised import LocalisedResponses

    messages, _ = run(action, trk)
    domain = Domain.load("domain.yml")
    rasa_tracker = DialogueStateTracker("patient-1", domain.slots)
    latest = trk.latest_message
    rasa_tracker.update(UserUttered(latest.get("text"), intent=latest.get("intent"), parse_data=latest,
                                    input_channel=channel))
    events = asyncio.run(RemoteAction._utter_responses([dict(m) for m in messages], CollectingOutputChannel(),
                                                       LocalisedResponses(domain=domain), rasa_tracker))
    return [{"text": e.text, "buttons": e.data.get("buttons") or []} for e in events]


def test_greeting_names_the_clinic_and_says_not_medical_advice():
    [msg], _ = run(clinic_info.ActionGreet(), tracker("hi", "greet"))
    assert "Test Physio" in msg["text"] and "not medical advice" in msg["text"]
    assert "911" in msg["text"]
    assert "/book_appointment" in payloads(msg)


def test_hours_reply_lists_hours_and_open_status(monkeypatch):
    monkeypatch.setattr(hours, "open_status", lambda clinic, now=None: "We're open now, until 7:00 pm today.")
    [msg], _ = run(clinic_info.ActionClinicHours(), tracker("hours?", "ask_hours"))
    assert "Mon 8:00 am-7:00 pm" in msg["text"] and "open now" in msg["text"]


def test_location_contact_and_cost_quote_the_clinic_file(clinic_file):
    [loc], _ = run(clinic_info.ActionClinicLocation(), tracker("where", "ask_location"))
    [contact], _ = run(clinic_info.ActionClinicContact(), tracker("phone", "ask_contact"))
    [cost], _ = run(clinic_info.ActionClinicCost(), tracker("price", "ask_cost"))
    assert "1 Test Way" in loc["text"]
    assert "604-555-0199" in contact["text"] and "desk@example.com" in contact["text"]
    assert "Fees vary by visit." in cost["text"] and "Extended health" in cost["text"]


def test_booking_gives_the_configured_link():
    [msg], _ = run(handoff.ActionBookOnline(), tracker("book", "book_appointment"))
    assert "https://example.com/book-ims" in msg["text"]
    assert "/request_human" in payloads(msg)


def test_request_human_during_hours_gives_the_number_to_call_now(monkeypatch):
    monkeypatch.setattr(hours, "is_open", lambda clinic, now=None: True)
    [msg], _ = run(handoff.ActionRequestHuman(), tracker("person", "request_human"))
    assert "call 604-555-0199" in msg["text"] and "now" in msg["text"]


def test_request_human_after_hours_says_when_we_open(monkeypatch):
    monkeypatch.setattr(hours, "is_open", lambda clinic, now=None: False)
    monkeypatch.setattr(hours, "open_status", lambda clinic, now=None: "We're closed right now and open again tomorrow at 8:00 am.")
    [msg], _ = run(handoff.ActionRequestHuman(), tracker("person", "request_human"))
    assert "closed" in msg["text"] and "tomorrow at 8:00 am" in msg["text"]


def fallback_tracker(text, previous_intent=None):
    parse = {
        "intent_ranking": [
            {"name": "nlu_fallback", "confidence": 0.5},
            {"name": "faq", "confidence": 0.6},
            {"name": "ask_cost", "confidence": 0.3},
        ],
        "response_selector": {"faq": {"ranking": [
            {"intent_response_key": "faq/does_it_hurt", "confidence": 0.7},
            {"intent_response_key": "faq/soreness_after", "confidence": 0.2},
        ]}},
    }
    events = []
    if previous_intent:
        events.append({"event": "user", "text": "earlier", "parse_data": {"intent": {"name": previous_intent}}})
    events.append({"event": "user", "text": text, "parse_data": {"intent": {"name": "nlu_fallback"}}})
    return tracker(text, "nlu_fallback", parse, events)


def test_first_fallback_offers_likely_topics_as_readable_buttons():
    [msg] = sent(fallback.ActionFallback(), fallback_tracker("needle pain thing?"))
    titles = [b["title"] for b in msg["buttons"]]
    assert titles[0] == "Does it hurt?"
    assert "Fees and insurance" in titles
    assert titles[-1] == "Talk to a person"
    assert "say it another way" in msg["text"]


def test_second_fallback_in_a_row_offers_a_person_and_the_number():
    [msg] = sent(fallback.ActionFallback(), fallback_tracker("???", previous_intent="nlu_fallback"))
    assert "604-555-0199" in msg["text"]
    assert payloads(msg) == ["/request_human"]


def test_fallback_after_an_understood_message_is_a_first_fallback():
    [msg] = sent(fallback.ActionFallback(), fallback_tracker("???", previous_intent="faq"))
    assert "say it another way" in msg["text"]


def test_out_of_scope_says_so_and_offers_people_not_faq_content():
    [msg] = sent(fallback.ActionOutOfScope(), tracker("whats the weather", "out_of_scope"))
    assert "can't answer" in msg["text"] and "604-555-0199" in msg["text"] and "8-1-1" in msg["text"]
    assert "needle" not in msg["text"].lower()
    assert payloads(msg) == ["/request_human"]


def test_did_you_mean_reads_the_sentence_classifiers_joint_ranking_and_skips_unlikely_topics():
    parse = {
        "intent_ranking": [{"name": "nlu_fallback", "confidence": 0.3}, {"name": "faq", "confidence": 0.25},
                           {"name": "ask_referral", "confidence": 0.2}, {"name": "ask_cost", "confidence": 0.01}],
        "response_selector": {"faq": {"joint": True, "ranking": [
            {"intent_response_key": "faq/side_effects", "confidence": 0.25},
            {"intent_response_key": "faq/safety", "confidence": 0.22},
            {"intent_response_key": "faq/benefits", "confidence": 0.02}]}},
    }
    events = [{"event": "user", "text": "x", "parse_data": {"intent": {"name": "nlu_fallback"}}}]
    [msg] = sent(fallback.ActionFallback(), tracker("x", "nlu_fallback", parse, events))
    assert [b["title"] for b in msg["buttons"]] == [
        "Other side effects?", "Is it safe?", "Do I need a referral?", "Talk to a person"]


def test_did_you_mean_says_911_when_the_model_thought_it_might_be_an_emergency():
    parse = {
        "intent_ranking": [{"name": "nlu_fallback", "confidence": 0.5}, {"name": "emergency", "confidence": 0.5},
                           {"name": "faq", "confidence": 0.4}],
        "response_selector": {"faq": {"joint": True, "ranking": [
            {"intent_response_key": "faq/safety", "confidence": 0.4}]}},
    }
    events = [{"event": "user", "text": "x", "parse_data": {"intent": {"name": "nlu_fallback"}}}]
    hint, msg = sent(fallback.ActionFallback(), tracker("can it puncture a lung", "nlu_fallback", parse, events))
    assert hint["text"] == "If this is an emergency, call 911 now." and not hint["buttons"]  # first, on its own
    assert [b["title"] for b in msg["buttons"]][0] == "Is it safe?"
    [plain] = sent(fallback.ActionFallback(), fallback_tracker("needle pain thing?"))
    assert "911" not in plain["text"]


def _out_of_scope_tracker(text, ranking, channel="rest"):
    """An out-of-scope reply (the FAQ gate held the answer back) with the classifier's joint ranking."""
    latest = {"text": text, "intent": {"name": "out_of_scope", "confidence": 0.5}, "entities": [],
              "intent_ranking": [{"name": "out_of_scope", "confidence": 0.5}],
              "response_selector": {"faq": {"joint": True, "ranking": [
                  {"intent_response_key": key, "confidence": c} for key, c in ranking]}}}
    events = [{"event": "user", "text": text, "parse_data": latest, "input_channel": channel}]
    return Tracker("patient-1", {}, latest, events, False, None, {}, "action_listen")


def test_out_of_scope_offers_the_answer_the_model_still_found_likely_one_tap_away():
    [msg] = sent(fallback.ActionOutOfScope(),
                 _out_of_scope_tracker("how long till it kicks in", [("faq/benefits", 0.3), ("faq/safety", 0.1)]))
    assert "can't answer" in msg["text"]
    assert payloads(msg)[0] == "/request_human" and len(payloads(msg)) == 2
    assert msg["buttons"][1]["title"].startswith("Or were you asking: ")


def test_out_of_scope_offers_nothing_more_when_no_answer_was_likely():
    [msg] = sent(fallback.ActionOutOfScope(),
                 _out_of_scope_tracker("who won the game", [("faq/benefits", 0.06), ("faq/safety", 0.04)]))
    assert payloads(msg) == ["/request_human"]


def test_out_of_scope_on_sms_adds_the_option_only_within_two_segments():
    from clinic.answer_catalogue import sms_text
    tracker_sms = _out_of_scope_tracker("how long till it kicks in", [("faq/benefits", 0.3)], channel="twilio")
    [msg] = sent(fallback.ActionOutOfScope(), tracker_sms, channel="twilio")
    sms = sms_text().render([msg])
    assert sms_text().segments(sms) <= 2
    assert "604-555-0199" in sms and "8-1-1" in sms and "dry needling" in sms
    assert len(payloads(msg)) == 2 and "2 Or: " in sms  # the shorter SMS wording leaves room for the option


def test_out_of_scope_and_fallback_texts_are_the_domains_filled_with_the_clinics_settings(clinic_file):
    """The clinic rewords these in the console (domain.yml responses); the phone comes from the settings."""
    data = yaml.safe_load(clinic_file.read_text())
    clinic_file.write_text(yaml.safe_dump({**data, "phone": "604-555-0123", "nurse_line": "8-1-1 (nurse line)"}))
    [web] = sent(fallback.ActionOutOfScope(), tracker("whats the weather", "out_of_scope"))
    [sms] = sent(fallback.ActionOutOfScope(), tracker("whats the weather", "out_of_scope"), channel="twilio")
    for message in (web, sms):
        assert "604-555-0123" in message["text"] and "8-1-1 (nurse line)" in message["text"]
        assert "{" not in message["text"]
    assert len(sms["text"]) < len(web["text"])  # the SMS wording, shorter
    [again] = sent(fallback.ActionFallback(), fallback_tracker("???", previous_intent="nlu_fallback"))
    assert "604-555-0123" in again["text"] and "{" not in again["text"]
