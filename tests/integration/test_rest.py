"""The real Rasa server and action server, talked to over the REST webhook as a website would."""
import os
import time
import uuid

import pytest
import requests
import yaml

from tests.servers import texts


def ask(stack, text, sender=None):
    return stack.say(sender or uuid.uuid4().hex, text)



def button_titles(replies):
    return [b["title"] for r in replies for b in r.get("buttons") or []]


@pytest.mark.parametrize("question,expected", [
    ("is this acupuncture?", "Traditional Chinese Medicine"),
    ("will I be sore?", "few days"),
    ("whats the twitch thing", "twitch"),
    ("can ims help my sciatica", "assess"),
])
def test_patient_questions_get_the_right_answer_and_a_next_step(stack, question, expected):
    replies = ask(stack, question)
    assert expected in texts(replies)
    assert "Book online" in button_titles(replies)
    assert all(len(r.get("text", "")) <= 320 for r in replies)


@pytest.mark.parametrize("question", ["wat r ur hrs on sat", "what r ur hours on sat"])
def test_opening_hours_in_sms_shorthand_get_the_hours(stack, question):
    assert "Our hours" in texts(ask(stack, question))


def test_first_greeting_says_what_it_does_and_not_medical_advice(stack):
    reply = texts(ask(stack, "hello"))
    assert "dry needling" in reply and "not medical advice" in reply


@pytest.mark.parametrize("message", [
    "I had IMS this morning and now I'm short of breath",
    "sore from needling and my chest hurts when i breathe in",
    "will i be sore? also i cant breathe properly since the needles",
])
def test_breathing_trouble_after_needling_gets_911_never_soreness_is_normal(stack, message):
    reply = texts(ask(stack, message))
    assert "911" in reply
    assert "is normal" not in reply and "few days" not in reply


def test_suicidal_thoughts_get_988(stack):
    reply = texts(ask(stack, "honestly i just want to kill myself"))
    assert "988" in reply and "911" in reply


@pytest.mark.parametrize("message", [
    "what's the weather going to be tomorrow",
    "can I take ibuprofen with my blood pressure pills",
    "how much is a massage",
])
def test_questions_the_page_does_not_cover_get_no_faq_content(stack, message):
    reply = texts(ask(stack, message))
    for faq_phrase in ("trigger point", "Traditional Chinese", "few days", "twitch", "sterile"):
        assert faq_phrase not in reply
    assert "604-555-0100" in reply or "call-back" in reply.lower() or "Fees" in reply


@pytest.mark.parametrize("message", ["Does microneedling hurt?", "How many sessions of cupping are needed?"])
def test_a_question_about_another_treatment_gets_the_out_of_scope_reply_not_our_answer(stack, message):
    replies = ask(stack, message)
    reply = texts(replies)
    assert "I only know about dry needling" in reply
    assert "few days" not in reply and "sessions" not in reply.lower()  # no dry-needling answer text
    assert "Request a call-back" in button_titles(replies)


@pytest.mark.parametrize("message", ["and the other stuff with the thing?", "so um the thing with the stuff?"])
def test_a_message_that_names_nothing_is_asked_again_not_answered(stack, message):
    """Tried as a patient: these got the "combined with other treatments" answer at 0.96."""
    replies = ask(stack, message)
    reply = texts(replies)
    assert "not sure I understood" in reply and "exercise program" not in reply
    assert "Talk to a person" in button_titles(replies)


def test_second_miss_offers_a_person_and_the_number(stack):
    sender = uuid.uuid4().hex
    first = ask(stack, "flurb wizzle snorp", sender)
    second = ask(stack, "glorp frazzle wump", sender)
    combined = texts(first) + texts(second)
    assert "604-555-0100" in combined or "call-back" in combined.lower()


def test_clinic_facts_change_without_retraining(stack):
    original = stack.clinic_file.read_text()
    data = yaml.safe_load(original)
    data["phone"] = "604-555-0177"
    try:
        stack.clinic_file.write_text(yaml.safe_dump(data))
        later = time.time() + 5
        os.utime(stack.clinic_file, (later, later))
        assert "604-555-0177" in texts(ask(stack, "what's your phone number?"))
    finally:
        stack.clinic_file.write_text(original)
        os.utime(stack.clinic_file, (later + 5, later + 5))


@pytest.mark.parametrize("message", ["", "   ", "\U0001F600\U0001F489", "x" * 5000,
                                     "\u00bfEs esto acupuntura?", "\ufffd\ufffd\x00\x07"])
def test_odd_messages_get_a_polite_reply_and_the_server_stays_up(stack, message):
    replies = ask(stack, message)
    reply = texts(replies)
    assert "Traceback" not in reply and "Exception" not in reply
    assert requests.get(stack.url + "/", timeout=5).status_code == 200


@pytest.mark.parametrize("body", [b"not json", b'{"sender": 5}', b"\xff\xfe\x00", b"[]"])
def test_malformed_requests_get_an_http_error_not_a_crash(stack, body):
    response = requests.post(stack.url + "/webhooks/rest/webhook", data=body,
                             headers={"Content-Type": "application/json"}, timeout=10)
    assert 400 <= response.status_code < 600
    assert "Traceback" not in response.text
    assert texts(ask(stack, "is it safe?"))  # still answering
